"""The knowledge base's part of a person's data: resources they wrote and their files (sociallab.privacy)."""
from sqlalchemy.orm import selectinload

from sociallab.extensions import db
from sociallab.knowledge import storage
from sociallab.knowledge.models import Attachment, FileVersion, Resource
from sociallab.privacy.registry import register
from sociallab.search.hooks import reindex

TEXT_FIELDS = ("title", "summary", "body")


def _file(archive, version):
    files = storage.backend()
    sha, path = archive.add_file(lambda: files.open(version.stored_name),
                                 version.kind if version.kind != "jpeg" else "jpg")
    return {"number": version.number, "filename": version.filename, "mimetype": version.mimetype,
            "size": version.size, "uploaded_at": version.created_at, "sha256": sha, "path": path}


def export(user, archive):
    resources = db.session.scalars(db.select(Resource).where(Resource.author_id == user.id).options(
        selectinload(Resource.attachments).selectinload(Attachment.versions)).order_by(Resource.id))
    archive.add_json("resources.json", [
        {"id": r.id, "type": r.type, "title": r.title, "summary": r.summary, "body": r.body, "lang": r.lang,
         "status": r.status, "space": r.space.slug, "created_at": r.created_at, "updated_at": r.updated_at,
         "url": f"/resources/{r.id}",
         "attachments": [[_file(archive, v) for v in sorted(a.versions, key=lambda v: v.number)]
                         for a in r.attachments]} for r in resources])
    elsewhere = db.session.scalars(db.select(FileVersion).join(Attachment).join(Resource).where(
        FileVersion.uploaded_by_id == user.id,
        db.or_(Resource.author_id.is_(None), Resource.author_id != user.id)).order_by(FileVersion.id))
    archive.add_json("uploads.json", [{"resource_id": v.attachment.resource_id, **_file(archive, v)}
                                      for v in elsewhere])


def _delete_resource(erasure, resource):
    files = storage.backend()
    for attachment in resource.attachments:
        for version in attachment.versions:
            # From the database in this unit of work, or from disk once it is committed.
            files.delete_with(version.stored_name, erasure.after_commit)
    db.session.delete(resource)


def erase(erasure):
    user = erasure.user
    resources = db.session.scalars(db.select(Resource).where(Resource.author_id == user.id).options(
        selectinload(Resource.attachments).selectinload(Attachment.versions))).all()
    for resource in resources:
        if resource.status == Resource.PUBLISHED:
            # The space's readers rely on it: it stays, without its author.
            resource.author_id = None
            reindex([resource])
        else:
            # A draft or a hidden resource was only theirs (and the moderators'): it goes, files too.
            _delete_resource(erasure, resource)
    db.session.flush()
    # Versions they added to others' resources stay with those resources, unattributed.
    db.session.execute(db.update(FileVersion).where(FileVersion.uploaded_by_id == user.id)
                       .values(uploaded_by_id=None))
    for resource in db.session.scalars(db.select(Resource).where(
            erasure.mentions_text(*(getattr(Resource, f) for f in TEXT_FIELDS)))):
        for field in TEXT_FIELDS:
            setattr(resource, field, erasure.text(getattr(resource, field), resource.lang))
    for version in db.session.scalars(db.select(FileVersion).where(
            erasure.mentions_text(FileVersion.text, FileVersion.filename))):
        version.text = erasure.text(version.text)
        version.filename = erasure.text(version.filename)


def init_app(app):
    register(app, "knowledge", export=export, erase=erase)
