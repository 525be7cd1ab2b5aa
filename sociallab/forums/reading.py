"""Watching and reading: who follows a thread or a category, each person's read marks and what is unread."""
from functools import cache

from sociallab import permissions
from sociallab.accounts.models import User
from sociallab.extensions import db
from sociallab.forums.checks import check_read
from sociallab.forums.models import Post, ThreadRead, Watch
from sociallab.forums.paging import post_url
from sociallab.notifications.services import mark_read_for_page, notify

# --- watching -----------------------------------------------------------------------------


def _watch_filter(user, thread, category):
    return (Watch.user_id == user.id,
            Watch.thread_id == thread.id if thread is not None else Watch.thread_id.is_(None),
            Watch.category_id == category.id if category is not None else Watch.category_id.is_(None))


def is_watching(user, thread=None, category=None):
    return db.session.scalar(db.select(Watch.id).where(*_watch_filter(user, thread, category))) is not None


def start_watching(user, thread=None, category=None):
    """Follow a thread or a category within the caller's change (doing it twice changes nothing):
    whoever writes in a thread follows it, under the check of what they wrote."""
    if not is_watching(user, thread=thread, category=category):
        db.session.add(Watch(user_id=user.id, thread_id=thread.id if thread is not None else None,
                             category_id=category.id if category is not None else None))
        db.session.flush()


def watch(user, thread=None, category=None):
    """A reader of the space follows a thread or a category: they are notified of what is new."""
    check_read((thread or category).space, user)
    start_watching(user, thread=thread, category=category)
    db.session.commit()


def unwatch(user, thread=None, category=None):
    check_read((thread or category).space, user)
    db.session.execute(db.delete(Watch).where(*_watch_filter(user, thread, category)))
    db.session.commit()


def notify_reply_watchers(thread, post, author, skip=()):
    """Tell the thread's watchers who read its space (but not those in `skip`) of a new reply."""
    watchers = db.session.scalars(db.select(User).join(Watch, Watch.user_id == User.id)
                                  .where(Watch.thread_id == thread.id)).all()
    url = post_url(post) if watchers else None
    for watcher in watchers:
        if watcher.id not in skip and permissions.can_read_space(thread.space, watcher):
            notify(watcher, "forums.reply", url=url, space=thread.space,
                   title=thread.title, author=author.name)


def notify_category_watchers(category, thread, author, skip=()):
    """Tell the category's watchers who read its space of a new thread (not its author)."""
    people = db.session.scalars(db.select(User).join(Watch, Watch.user_id == User.id)
                                .where(Watch.category_id == category.id)).all()
    for person in people:
        if person.id != author.id and person.id not in skip \
                and permissions.can_read_space(category.space, person):
            notify(person, "forums.new_thread", url=thread.url, space=category.space,
                   title=thread.title, category=category.title, author=author.name)


# --- reading ------------------------------------------------------------------------------

def read_mark(user, thread):
    """The id of the last post this person has seen in the thread (0: never opened)."""
    return db.session.scalar(db.select(ThreadRead.last_post_id).where(
        ThreadRead.user_id == user.id, ThreadRead.thread_id == thread.id)) or 0


def mark_read(user, thread, last_post_id):
    """Move the person's read mark forward (never back), within the caller's change."""
    mark = db.session.scalar(db.select(ThreadRead).where(ThreadRead.user_id == user.id,
                                                         ThreadRead.thread_id == thread.id))
    if mark is None:
        db.session.add(ThreadRead(user_id=user.id, thread_id=thread.id, last_post_id=last_post_id))
    elif mark.last_post_id < last_post_id:
        mark.last_post_id = last_post_id


def see_thread(user, thread, posts, mark, actions=None, page_url=None):
    """A reader opened the thread showing `posts`, having read up to `mark`: their mark moves to
    the newest post they see and the notifications about the thread are read (those linking to the
    thread and, for a later page, to `page_url`). `actions`: the posts' actions for this reader
    when the caller has them already. Returns the first post they had not read (None on a first
    visit, when everything is new)."""
    check_read(thread.space, user)
    candidates = unread_candidates(thread, posts, user, actions)
    newest = candidates[-1] if candidates else 0
    if newest > mark:
        # Only when there is something new: notifications about this thread concern new posts.
        mark_read(user, thread, newest)
        mark_read_for_page(user, thread.url)
        if page_url and page_url != thread.url:
            mark_read_for_page(user, page_url)
        db.session.commit()
    return next((post_id for post_id in candidates if post_id > mark), None) if mark else None


def thread_list_state(user, space, threads):
    """({thread id: message count}, {unread thread ids}) as this person sees the threads of a space.

    The thread's counters cover public posts; hidden posts are added for the space's moderators
    and for their authors. Deleted posts count for nobody. Two queries whatever the threads.
    """
    if not threads:
        return {}, set()
    ids = [t.id for t in threads]
    hidden = db.select(Post.thread_id, db.func.count(Post.id), db.func.max(Post.id)).where(
        Post.thread_id.in_(ids), Post.hidden_at.is_not(None), Post.deleted_at.is_(None))
    if not permissions.can_moderate(space, user):
        hidden = hidden.where(Post.author_id == user.id)
    extra = {thread_id: (count, last) for thread_id, count, last
             in db.session.execute(hidden.group_by(Post.thread_id)).all()}
    marks = dict(db.session.execute(db.select(ThreadRead.thread_id, ThreadRead.last_post_id).where(
        ThreadRead.user_id == user.id, ThreadRead.thread_id.in_(ids))).all())
    counts, unread = {}, set()
    for thread in threads:
        more, newest_hidden = extra.get(thread.id, (0, 0))
        counts[thread.id] = (thread.post_count or 0) + more
        newest = max(thread.last_post_id or 0, newest_hidden or 0)
        if newest and marks.get(thread.id, 0) < newest:
            unread.add(thread.id)
    return counts, unread


def unread_candidates(thread, posts, user, actions=None):
    """The ids of `posts` that can be unread for this person: those they see, not deleted."""
    if actions is None:
        actions = permissions.post_actions(thread, posts, user)
    return [p.id for p in posts if "see" in actions[p.id] and not p.is_deleted]


@cache
def reader_state_columns():
    """(watching, read mark) of the person `reader_id` in the thread `thread_id` (parameters) as two
    columns, read with the thread page's posts; built once per process, like the page's statement."""
    reader_id, thread_id = db.bindparam("reader_id"), db.bindparam("thread_id")
    return (db.select(Watch.id).where(Watch.user_id == reader_id, Watch.thread_id == thread_id)
            .exists().label("watching"),
            db.select(ThreadRead.last_post_id).where(ThreadRead.user_id == reader_id,
                                                     ThreadRead.thread_id == thread_id)
            .scalar_subquery().label("mark"))


def thread_page_state(user, thread):
    """(watching, read mark) for the thread page, in one query."""
    row = db.session.execute(db.select(*reader_state_columns()),
                             {"reader_id": user.id, "thread_id": thread.id}).one()
    return bool(row.watching), row.mark or 0


def first_unread_position(user, thread):
    """The position in the thread (0 = its first post) of the first post after this person's
    read mark, counting every row as pages do; None when they have read it all."""
    mark = read_mark(user, thread)
    if not mark:
        return 0
    if mark >= (thread.last_post_id or 0):
        return None
    return db.session.scalar(db.select(db.func.count(Post.id)).where(Post.thread_id == thread.id,
                                                                    Post.id <= mark)) or 0
