"""The forums' part of a person's data: threads, posts with their revisions, watches and flags (sociallab.privacy)."""
from sqlalchemy.orm import selectinload

from sociallab.extensions import db
from sociallab.forums.models import Flag, Post, PostRevision, Thread, ThreadRead, Watch
from sociallab.forums.services import mentionable_handles
from sociallab.privacy.registry import register
from sociallab.search.hooks import reindex


def export(user, archive):
    threads = db.session.scalars(db.select(Thread).where(Thread.author_id == user.id).order_by(Thread.id))
    archive.add_json("threads.json", [
        {"id": t.id, "title": t.title, "lang": t.lang, "space": t.space.slug, "created_at": t.created_at,
         "url": t.url} for t in threads])
    posts = db.session.scalars(db.select(Post).where(Post.author_id == user.id)
                               .options(selectinload(Post.revisions), selectinload(Post.thread))
                               .order_by(Post.id))
    archive.add_json("posts.json", [
        {"id": p.id, "thread_id": p.thread_id, "thread_title": p.thread.title, "body": p.body, "lang": p.lang,
         "created_at": p.created_at, "edited_at": p.edited_at, "hidden": p.is_hidden, "deleted": p.is_deleted,
         "url": p.url,
         "revisions": [{"body": r.body, "lang": r.lang, "written_at": r.written_at, "replaced_at": r.created_at}
                       for r in p.revisions]} for p in posts])
    watches = db.session.scalars(db.select(Watch).where(Watch.user_id == user.id).order_by(Watch.id))
    archive.add_json("watches.json", [{"thread_id": w.thread_id, "category_id": w.category_id} for w in watches])
    flags = db.session.scalars(db.select(Flag).where(Flag.flagger_id == user.id).order_by(Flag.id))
    archive.add_json("flags.json", [
        {"post_id": f.post_id, "reason": f.reason, "note": f.note, "created_at": f.created_at,
         "outcome": f.outcome} for f in flags])


def erase(erasure):
    user = erasure.user
    db.session.execute(db.delete(Watch).where(Watch.user_id == user.id))
    db.session.execute(db.delete(ThreadRead).where(ThreadRead.user_id == user.id))
    # Their reports stay with the moderators' decisions, no longer attributed.
    db.session.execute(db.update(Flag).where(Flag.flagger_id == user.id).values(flagger_id=None))
    # Posts stay (the discussion must read on) under "Former member"; their name or address
    # written anywhere, such as a quote's attribution, is replaced. Mentions by @handle stay.
    for post in db.session.scalars(db.select(Post).where(erasure.mentions_text(Post.body))):
        body = erasure.text(post.body, post.lang)
        if body != post.body:
            post.set_body(body, mentionable_handles(post.thread.space, body))
    for revision in db.session.scalars(db.select(PostRevision).where(erasure.mentions_text(PostRevision.body))):
        revision.body = erasure.text(revision.body, revision.lang)
    for thread in db.session.scalars(db.select(Thread).where(erasure.mentions_text(Thread.title))):
        thread.title = erasure.text(thread.title, thread.lang)
    for flag in db.session.scalars(db.select(Flag).where(erasure.mentions_text(Flag.note))):
        flag.note = erasure.text(flag.note)
    # What they wrote is indexed again, so nothing in the index still derives from their account.
    reindex(db.session.scalars(db.select(Thread).where(Thread.author_id == user.id)))
    reindex(db.session.scalars(db.select(Post).where(Post.author_id == user.id)))


def init_app(app):
    register(app, "forums", export=export, erase=erase)
