"""Discussions: the comments of an initiative, a resource or a workshop, kept as a forum thread of its space.

Contract for other domains ("no second comment system")
-------------------------------------------------------
An initiative, a resource or a workshop that wants comments owns a *discussion*: a Thread of a
space with no category, whose page is the owner's page.

    thread = forums.discussions.create_discussion(space, title, author, lang, return_url)
    owner.discussion_thread_id = thread.id       # the owner keeps the id

and in the owner's template:

    {% with thread = owner.discussion_thread %}{% include "forums/_discussion.html" %}{% endwith %}

The include renders the posts with the forum's permissions and markup (hidden posts for
moderators and the author only, removed posts as removed, flags, edit, quote) and the reply
form. Replies are posted to the forums blueprint and redirect back to `thread.return_url`
(with the new post's anchor). Search, mentions, watching and notifications work as for any
thread; the thread's `url` is its `return_url`.

A discussion is read by the readers of its space, so it must stay in its owner's space: an
owner that changes space (or title) calls, in the same change,

    forums.discussions.follow_owner(owner.discussion_thread, owner.space, owner.title)

which carries the thread and everything that hangs from it (see move_to_space).

These functions are steps of the owner's change: the owner's service has checked who acts and
commits the whole, so they neither check nor commit.
"""
from sociallab import permissions
from sociallab.extensions import db
from sociallab.forums.flags import notify_space_moderators
from sociallab.forums.models import TITLE_MAX, Flag, Post, Thread
from sociallab.forums.reading import start_watching
from sociallab.i18n import utcnow
from sociallab.notifications.services import follow_item
from sociallab.search.hooks import reindex


def create_discussion(space, title, author, lang, return_url):
    """A thread with no category, shown on its owner's page.

    `return_url` is the owner's page path (e.g. "/initiatives/12"); replies redirect there.
    The discussion has no post yet; the author watches it, so replies notify them.
    """
    if not return_url or not return_url.startswith("/") or return_url.startswith("//"):
        raise ValueError("return_url must be a local path")
    thread = Thread(space_id=space.id, category_id=None, title=title.strip()[:TITLE_MAX], lang=lang,
                    author_id=author.id if author is not None else None, return_url=return_url[:500])
    db.session.add(thread)
    db.session.flush()
    if author is not None:
        start_watching(author, thread=thread)
    return thread


def move_to_space(thread, space):
    """Carry a thread to another space with everything that hangs from it.

    Whoever reads a thread is decided by its space alone, so after this the readers of the new
    space, and only they, reach the thread, its posts (pages, search documents, the live room)
    and its open flags (in the new space's review queue); notifications that link to it follow
    it, and are withdrawn from people who do not read the new space.
    """
    if thread.space_id == space.id:
        return thread
    thread.space_id, thread.space = space.id, space
    of_thread = Flag.post_id.in_(db.select(Post.id).where(Post.thread_id == thread.id))
    waiting = db.session.scalar(db.select(db.func.count(Flag.id)).where(of_thread, Flag.resolved_at.is_(None)))
    db.session.execute(db.update(Flag).where(of_thread).values(space_id=space.id)
                       .execution_options(synchronize_session="fetch"))
    if waiting:
        notify_space_moderators(thread)
    # Each post's search document takes its audience from the thread's space.
    reindex(thread.posts)
    follow_item(thread.url, space, lambda person: permissions.can_read_space(space, person))
    return thread


def follow_owner(thread, space, title):
    """Keep a discussion with its owner: in the owner's space, under the owner's title."""
    title = title.strip()[:TITLE_MAX]
    if thread.title != title:
        thread.title = title
        thread.updated_at = utcnow()
        reindex(thread.posts)  # each post's search document carries its thread's title
    return move_to_space(thread, space)
