"""What moderators do to threads and posts: hide and show a post, pin, lock and move a thread (audited).

The counters a thread keeps for everyone (posts, latest post) are recounted here too, since hiding
and removing a post change what everyone sees.
"""
from sqlalchemy.orm import selectinload

from sociallab.audit.services import record, snapshot
from sociallab.extensions import db
from sociallab.forums.checks import check_moderate, check_moderate_post, check_move_thread
from sociallab.forums.models import Post, PostRevision
from sociallab.i18n import utcnow
from sociallab.notifications.services import notify


def touch_if_first(post):
    """The thread's search document carries its first post: changing that post changes the
    thread, so mark the thread changed and the search hooks re-index it at commit."""
    first_id = db.session.scalar(db.select(db.func.min(Post.id)).where(Post.thread_id == post.thread_id))
    if first_id == post.id:
        post.thread.updated_at = utcnow()


def refresh_counters(thread):
    """Recount the thread's public posts (neither hidden nor deleted) after one is hidden, shown
    again or deleted: `post_count`, `last_post_id` and `last_post_at` describe what everyone
    sees; what only moderators and authors see is added per reader (see reading.thread_list_state)."""
    count, last_id, last_at = db.session.execute(
        db.select(db.func.count(Post.id), db.func.max(Post.id), db.func.max(Post.created_at))
        .where(Post.thread_id == thread.id, Post.hidden_at.is_(None), Post.deleted_at.is_(None))).one()
    thread.post_count, thread.last_post_id = count, last_id or 0
    thread.last_post_at = last_at or thread.created_at


def set_hidden(post, moderator, hidden=True):
    """Hide a post from everyone but moderators and its author, or show it again (audited)."""
    check_moderate_post(post, moderator)
    was_hidden = post.is_hidden
    apply_hidden(post, moderator, hidden)
    if hidden and not was_hidden and post.author is not None and post.author_id != moderator.id:
        # Told at once, as after a flag (flags.py): their message left the page for others.
        notify(post.author, "forums.post_hidden_by_moderator", url=post.url, space=post.thread.space,
               title=post.thread.title)
    db.session.commit()
    return post


def apply_hidden(post, moderator, hidden):
    """set_hidden within a change already checked (a flag resolved by hiding its post)."""
    before = {"hidden": post.is_hidden}
    if hidden:
        post.hidden_at, post.hidden_by_id = post.hidden_at or utcnow(), moderator.id
    else:
        post.hidden_at, post.hidden_by_id = None, None
    touch_if_first(post)
    refresh_counters(post.thread)
    record(moderator, "forums.post.hide" if hidden else "forums.post.unhide", post,
           before=before, after={"hidden": hidden}, space_id=post.thread.space_id)


def set_thread_state(thread, moderator, pinned=None, locked=None):
    """Pin or lock a thread (audited)."""
    check_moderate(thread.space, moderator)
    apply_thread_state(thread, moderator, pinned=pinned, locked=locked)
    db.session.commit()
    return thread


def apply_thread_state(thread, moderator, pinned=None, locked=None):
    """set_thread_state within a change already checked (a flag resolved by locking its thread)."""
    before = snapshot(thread, ("pinned", "locked"))
    if pinned is not None:
        thread.pinned = pinned
    if locked is not None:
        thread.locked = locked
    after = snapshot(thread, ("pinned", "locked"))
    if after != before:
        record(moderator, "forums.thread.update", thread, before=before, after=after,
               space_id=thread.space_id)


def move_thread(thread, category, moderator):
    """Move a thread to another category of the same space (audited)."""
    check_move_thread(thread, moderator, category)
    before = {"category_id": thread.category_id}
    thread.category_id = category.id
    thread.category = category
    record(moderator, "forums.thread.move", thread, before=before, after={"category_id": category.id},
           space_id=thread.space_id)
    db.session.commit()
    return thread


def post_history(post, moderator):
    """The earlier versions of a post, newest first: for the moderators of its space."""
    check_moderate_post(post, moderator)
    return db.session.scalars(db.select(PostRevision).options(selectinload(PostRevision.edited_by))
                              .where(PostRevision.post_id == post.id)
                              .order_by(PostRevision.id.desc())).all()
