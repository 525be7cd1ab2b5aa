"""Knowledge services: add and edit resources, link translations, hide them. No request needed.

Each change is one unit of work: its check (knowledge/checks.py: may the acting person do it, then
the fields' own rules), the change, the commit. Search indexes the resource after that commit
(sociallab.search hooks). Files are checked, opened and stored by uploads.py.
"""
from flask_babel import gettext as _

from sociallab import permissions
from sociallab.audit.services import record
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.knowledge import uploads
from sociallab.knowledge.checks import LANGUAGES as LANGUAGES
from sociallab.knowledge.checks import KnowledgeError as KnowledgeError
from sociallab.knowledge.checks import (
    check_add,
    check_edit,
    check_fields,
    check_moderate,
    check_read,
)
from sociallab.knowledge.models import Resource, new_translation_group
from sociallab.knowledge.safeguarding import file_text_refused
from sociallab.spaces.models import Country, Theme


def _themes(codes_or_themes):
    items = list(codes_or_themes or ())
    if all(isinstance(i, Theme) for i in items):
        return items
    codes = [getattr(i, "code", i) for i in items]
    return list(db.session.scalars(db.select(Theme).where(Theme.code.in_(codes)))) if codes else []


def _countries(codes_or_countries):
    items = list(codes_or_countries or ())
    if all(isinstance(i, Country) for i in items):
        return items
    codes = [getattr(i, "iso2", i).lower() for i in items]
    return list(db.session.scalars(db.select(Country).where(Country.iso2.in_(codes)))) if codes else []


def create_resource(space, author, type, title, summary, body, lang, themes=(), countries=(),
                    status=Resource.PUBLISHED, translation_of=None, file=None, *, shows_people=None, consent=False):
    """Add a resource to `space`, with its first file if `file` is (filename, bytes); committed.

    author: the User who writes it: a member or moderator of the space (403 for another reader
      of it, 404 for someone who may not read it).
    type: one of Resource.TYPES ("toolkit", "guide", "report", "article", "minutes", "other").
    body: Markdown, rendered through the content module when shown.
    lang: "fr", "en" or "es" — the language the resource is written in.
    themes: Theme objects or theme codes; countries: Country objects or ISO2 codes.
    status: "published" (readers of the space), "draft" (the author's organisation and the
      space's moderators) or "hidden" (moderators and the author).
    translation_of: another Resource, which the author reads, of which this one is a translation;
      both then share a translation group (one resource per language in a group).
    shows_people, consent: for an image file, the uploader's answer and confirmation
      (uploads.check_people); ignored for other files.
    Raises KnowledgeError on a bad type, empty title, unknown language, or a language the
    translation group already has; UploadError on a refused file; IdentifyingDetails when the
    title, summary or text may identify a child and the author has not decided (safeguarding),
    IdentifyingFile when the file's text may (whatever the author decided: knowledge.safeguarding).
    Nothing is kept when it raises.
    """
    check_add(space, author)
    if translation_of is not None:
        check_read(translation_of, author)
    resource = add_resource(space, author, type, title, summary, body, lang, themes=themes,
                            countries=countries, status=status, translation_of=translation_of)
    if file is not None:
        with file_text_refused():
            uploads.store_file(resource, *file, author, shows_people=shows_people, consent=consent)
    db.session.commit()
    return resource


def add_file(resource, filename, data, uploader, attachment=None, *, shows_people=None, consent=False):
    """uploads.add_file (a new attachment, or a new version of `attachment`; committed), refused
    with IdentifyingFile when the file's text may identify a child (knowledge.safeguarding)."""
    with file_text_refused():
        return uploads.add_file(resource, filename, data, uploader, attachment=attachment,
                                shows_people=shows_people, consent=consent)


def add_resource(space, author, type, title, summary, body, lang, themes=(), countries=(),
                 status=Resource.PUBLISHED, translation_of=None):
    """The resource create_resource makes, flushed, without asking who acts: for a resource the
    platform writes itself inside a unit of work of its own (the minutes of an ended workshop,
    author None, committed with the session's end)."""
    check_fields(type, title, lang, status)
    organisation = author.effective_organisation() if author is not None else None
    resource = Resource(space_id=space.id, space=space, type=type, title=title.strip()[:200],
                        summary=(summary or "").strip(), body=body or "", lang=lang,
                        author=author, organisation_id=organisation.id if organisation else None,
                        status=status, themes=_themes(themes), countries=_countries(countries))
    if translation_of is not None:
        _join_translation_group(resource, translation_of)
    db.session.add(resource)
    db.session.flush()
    return resource


def update_resource(resource, type, title, summary, body, lang, themes=(), countries=(), status=None, *,
                    editor):
    """Change a resource's fields (committed): `editor`, its author or a moderator of its space."""
    check_edit(resource, editor)
    check_fields(type, title, lang)
    if lang != resource.lang and _group_has_language(resource.translation_group, lang, resource.id):
        raise KnowledgeError(_("Another version of this resource is already in that language."))
    resource.type, resource.title = type, title.strip()[:200]
    resource.summary, resource.body, resource.lang = (summary or "").strip(), body or "", lang
    resource.themes, resource.countries = _themes(themes), _countries(countries)
    # Hiding is a moderator's decision (set_hidden); editing keeps a hidden resource hidden.
    if status in (Resource.PUBLISHED, Resource.DRAFT) and resource.status != Resource.HIDDEN:
        resource.status = status
    resource.updated_at = utcnow()
    db.session.commit()
    return resource


def set_hidden(resource, hidden, moderator):
    """Hide a resource from the space's readers (or show it again): its moderators. Audited, committed."""
    check_moderate(resource, moderator)
    before = resource.status
    resource.status = Resource.HIDDEN if hidden else Resource.PUBLISHED
    record(moderator, "resource.hide" if hidden else "resource.unhide", resource,
           before={"status": before}, after={"status": resource.status}, space_id=resource.space_id)
    db.session.commit()
    return resource


def _group_has_language(group, lang, except_id=None):
    query = db.select(Resource.id).where(Resource.translation_group == group, Resource.lang == lang)
    if except_id is not None:
        query = query.where(Resource.id != except_id)
    return db.session.scalar(query.limit(1)) is not None


def _join_translation_group(resource, other):
    if other.space_id != resource.space_id:
        raise KnowledgeError(_("A translation must be in the same space as the original."))
    if other.id == getattr(resource, "id", None):
        raise KnowledgeError(_("A resource cannot be a translation of itself."))
    if other.lang == resource.lang or _group_has_language(other.translation_group, resource.lang, resource.id):
        raise KnowledgeError(_("This resource already has a version in that language."))
    resource.translation_group = other.translation_group


def link_translation(resource, other, editor):
    """Make `other` (and its own versions) versions of `resource`'s group (committed): whoever
    edits `resource` and reads `other`."""
    check_edit(resource, editor)
    check_read(other, editor)
    if other.translation_group == resource.translation_group:
        return resource
    incoming = list(db.session.scalars(db.select(Resource).where(
        Resource.translation_group == other.translation_group)))
    languages = {r.lang for r in versions_of(resource)}
    for item in incoming:
        if item.space_id != resource.space_id:
            raise KnowledgeError(_("A translation must be in the same space as the original."))
        if item.lang in languages:
            raise KnowledgeError(_("This resource already has a version in that language."))
        languages.add(item.lang)
    for item in incoming:
        item.translation_group = resource.translation_group
    db.session.commit()
    return resource


def unlink_translation(resource, editor):
    """Take a resource out of its translation group (committed): its author or a moderator."""
    check_edit(resource, editor)
    resource.translation_group = new_translation_group()
    db.session.commit()
    return resource


def versions_of(resource):
    """Every resource of the translation group, this one included, in fr, en, es order."""
    items = db.session.scalars(db.select(Resource).where(Resource.translation_group == resource.translation_group))
    return sorted(items, key=lambda r: (LANGUAGES.index(r.lang) if r.lang in LANGUAGES else 9, r.id))


def translation_candidates(resource):
    """Resources of the same space, in a language the group lacks, that can be linked to it."""
    taken = {r.lang for r in versions_of(resource)}
    query = permissions.readable_resources_query(resource.space).where(
        Resource.translation_group != resource.translation_group, Resource.lang.not_in(taken),
        Resource.status != Resource.HIDDEN).order_by(Resource.title).limit(200)
    return list(db.session.scalars(query))
