"""What happens in the forums: categories, threads, posts, moderation, watching and reading.

Services take plain arguments and model objects, add their changes to the session and leave
the commit to the caller (a view, a command, another domain), so that a change and its audit
entry and notifications land together. Permission checks belong to the caller (through
`sociallab.permissions`); services only enforce what must hold whoever calls them.

Contract for other domains — discussions ("no second comment system")
---------------------------------------------------------------------
An initiative, a resource or a workshop that wants comments owns a *discussion*: a Thread of a
space with no category, whose page is the owner's page.

    thread = forums.services.create_discussion(space, title, author, lang, return_url)
    db.session.commit()
    owner.discussion_thread_id = thread.id       # the owner keeps the id

and in the owner's template:

    {% with thread = owner.discussion_thread %}{% include "forums/_discussion.html" %}{% endwith %}

The include renders the posts with the forum's permissions and markup (hidden posts for
moderators and the author only, removed posts as removed, flags, edit, quote) and the reply
form. Replies are posted to the forums blueprint and redirect back to `thread.return_url`
(with the new post's anchor). Search, mentions, watching and notifications work as for any
thread; the thread's `url` is its `return_url`.

A discussion is read by the readers of its space, so it must stay in its owner's space: an
owner that changes space (or title) calls, in the same transaction,

    forums.services.follow_owner(owner.discussion_thread, owner.space, owner.title)

which carries the thread and everything that hangs from it (see move_to_space).
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from sociallab import permissions
from sociallab.accounts.models import User
from sociallab.audit.services import record, snapshot
from sociallab.content import extract_mentions
from sociallab.extensions import db
from sociallab.forums.models import (
    BODY_MAX,
    TITLE_MAX,
    Category,
    Flag,
    Post,
    PostRevision,
    Thread,
    ThreadRead,
    Watch,
    render_post_html,
)
from sociallab.i18n import utcnow
from sociallab.notifications.services import follow_item, notify
from sociallab.search.hooks import reindex

THREADS_PER_PAGE = 25
QUOTE_MAX = 1200


class ForumError(Exception):
    """A change the forum rules refuse; the message is shown to the person."""


@dataclass
class Published:
    """A post just written: who was notified of it, and the mentioned handles that notified nobody."""
    post: Post
    notified: list = field(default_factory=list)
    not_notified: list = field(default_factory=list)


# --- categories ---------------------------------------------------------------------------

def categories_of(space, include_archived=False):
    query = db.select(Category).where(Category.space_id == space.id)
    if not include_archived:
        query = query.where(Category.archived.is_(False))
    return db.session.scalars(query.order_by(Category.archived, Category.position, Category.id)).all()


def create_category(space, title, description, lang, actor, position=None):
    if position is None:
        position = (db.session.scalar(db.select(db.func.max(Category.position))
                                      .where(Category.space_id == space.id)) or 0) + 10
    category = Category(space_id=space.id, title=title.strip(), description=(description or "").strip(),
                        lang=lang, position=position)
    db.session.add(category)
    db.session.flush()
    record(actor, "forums.category.create", category, after=snapshot(category, CATEGORY_FIELDS),
           space_id=space.id)
    return category


CATEGORY_FIELDS = ("title", "description", "lang", "position", "archived")


def update_category(category, actor, **changes):
    """Rename, reorder or archive a category (audited)."""
    before = snapshot(category, CATEGORY_FIELDS)
    for name, value in changes.items():
        if name not in CATEGORY_FIELDS:
            raise ValueError(name)
        setattr(category, name, value.strip() if isinstance(value, str) else value)
    after = snapshot(category, CATEGORY_FIELDS)
    if after != before:
        record(actor, "forums.category.update", category, before=before, after=after,
               space_id=category.space_id)
    return category


def category_stats(categories):
    """{category id: (thread count, latest activity)} in one query."""
    if not categories:
        return {}
    rows = db.session.execute(
        db.select(Thread.category_id, db.func.count(Thread.id), db.func.max(Thread.last_post_at))
        .where(Thread.category_id.in_([c.id for c in categories])).group_by(Thread.category_id)).all()
    return {category_id: (count, latest) for category_id, count, latest in rows}


def latest_threads(space, limit=5):
    """The space's most recently active forum threads (discussions live on their own pages)."""
    return db.session.scalars(
        db.select(Thread).options(joinedload(Thread.category))
        .join(Category, Thread.category_id == Category.id)
        .where(Thread.space_id == space.id, Category.archived.is_(False))
        .order_by(Thread.last_post_at.desc()).limit(limit)).all()


# --- threads and posts --------------------------------------------------------------------

def check_text(title=None, body=None):
    """Bounds that hold whoever writes (forms check them too, with field-level messages)."""
    if title is not None and not (0 < len(title.strip()) <= TITLE_MAX):
        raise ForumError(_l("A title needs 1 to %(n)d characters.", n=TITLE_MAX))
    if body is not None and not (0 < len(body.strip()) <= BODY_MAX):
        raise ForumError(_l("A message needs 1 to %(n)d characters.", n=BODY_MAX))


def list_threads(category, page=1):
    """One page of a category's threads: pinned first, then latest activity."""
    return db.paginate(
        db.select(Thread).options(joinedload(Thread.author))
        .where(Thread.category_id == category.id)
        .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc()),
        page=page, per_page=THREADS_PER_PAGE, error_out=False)


def create_thread(category, title, body, author, lang):
    """Start a thread in a category with its first post; the author watches it."""
    check_text(title, body)
    if category.archived:
        raise ForumError(_l("This category is archived: it takes no new threads."))
    thread = Thread(space_id=category.space_id, category_id=category.id, title=title.strip(),
                    lang=lang, author_id=author.id)
    db.session.add(thread)
    db.session.flush()
    published = _add_post(thread, author, body, lang)
    watch(author, thread=thread)
    _notify_category_watchers(category, thread, author, skip={u.id for u in published.notified})
    return thread, published


def create_discussion(space, title, author, lang, return_url):
    """A thread with no category, shown on its owner's page (see the module docstring).

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
        watch(author, thread=thread)
    return thread


def reply(thread, author, body, lang, quoted=None):
    """Add a post to a thread (optionally quoting another post of it); watchers are notified."""
    check_text(body=body)
    if thread.locked and not permissions.can_moderate(thread.space, author):
        raise ForumError(_l("This thread is locked: it takes no new replies."))
    if quoted is not None and quoted.thread_id != thread.id:
        quoted = None
    published = _add_post(thread, author, body, lang, quoted=quoted)
    skip = {u.id for u in published.notified} | {author.id}
    for watcher in _thread_watchers(thread):
        if watcher.id not in skip and permissions.can_read_space(thread.space, watcher):
            notify(watcher, "forums.reply", url=published.post.url, space=thread.space,
                   title=thread.title, author=author.name)
    watch(author, thread=thread)
    return published


def quote_text(post):
    """The Markdown a quote-reply starts with: the quoted text, attributed."""
    body = post.body if len(post.body) <= QUOTE_MAX else post.body[:QUOTE_MAX].rstrip() + " …"
    quoted = "\n".join("> " + line for line in body.splitlines())
    name = post.author.name if post.author else "?"
    return f"> **{name}:**\n{quoted}\n\n"


def _add_post(thread, author, body, lang, quoted=None):
    post = Post(thread_id=thread.id, author_id=author.id, lang=lang,
                quoted_post_id=quoted.id if quoted is not None else None)
    post.set_body(body.strip(), mentionable_handles(thread.space, body))
    post.thread = thread
    post.author = author
    db.session.add(post)
    db.session.flush()
    now = utcnow()
    thread.last_post_at = now
    thread.last_post_id = post.id
    thread.post_count = (thread.post_count or 0) + 1
    published = _notify_mentions(post, author, extract_mentions(post.body))
    if quoted is not None and quoted.author is not None and quoted.author_id != author.id \
            and quoted.author_id not in {u.id for u in published.notified} \
            and permissions.can_read_space(thread.space, quoted.author):
        notify(quoted.author, "forums.quote", url=post.url, space=thread.space,
               title=thread.title, author=author.name)
        published.notified.append(quoted.author)
    mark_read(author, thread, post.id)
    return published


def mentionable_handles(space, body):
    """The handles mentioned in `body` (quotes included) of active people who read `space`:
    those are shown highlighted, since every reader of the post shares the space with them.
    A handle of nobody, or of someone outside the space, stays plain text (nothing leaks)."""
    handles = extract_mentions(body, include_quotes=True)
    if not handles:
        return set()
    people = db.session.scalars(db.select(User).where(User.handle.in_(handles), User.active.is_(True)))
    return {person.handle.lower() for person in people if permissions.can_read_space(space, person)}


def _notify_mentions(post, author, handles, already=()):
    """Notify the mentioned people who can read the space; report the handles that cannot."""
    result = Published(post=post)
    handles = [h for h in handles if h not in already]
    if not handles:
        return result
    thread = post.thread
    people = {u.handle: u for u in db.session.scalars(db.select(User).where(User.handle.in_(handles)))}
    for handle in handles:
        person = people.get(handle)
        if person is None or not person.active or not permissions.can_read_space(thread.space, person):
            result.not_notified.append(handle)
        elif person.id != author.id:
            notify(person, "forums.mention", url=post.url, space=thread.space,
                   title=thread.title, author=author.name)
            result.notified.append(person)
    return result


def edit_post(post, editor, body, lang):
    """Replace a post's text, keeping the previous version; newly mentioned people are notified."""
    check_text(body=body)
    body = body.strip()
    if body == post.body and lang == post.lang:
        return Published(post=post)
    db.session.add(PostRevision(post_id=post.id, body=post.body, lang=post.lang,
                                written_at=post.edited_at or post.created_at, edited_by_id=editor.id))
    old_handles = set(extract_mentions(post.body))
    post.set_body(body, mentionable_handles(post.thread.space, body))
    post.lang, post.edited_at = lang, utcnow()
    if editor.id != post.author_id:
        record(editor, "forums.post.edit", post, space_id=post.thread.space_id)
    _touch_if_first(post)
    author = post.author or editor
    return _notify_mentions(post, author, extract_mentions(body), already=old_handles)


def _touch_if_first(post):
    """The thread's search document carries its first post: changing that post changes the
    thread, so mark the thread changed and the search hooks re-index it at commit."""
    first_id = db.session.scalar(db.select(db.func.min(Post.id)).where(Post.thread_id == post.thread_id))
    if first_id == post.id:
        post.thread.updated_at = utcnow()


def refresh_counters(thread):
    """Recount the thread's public posts (neither hidden nor deleted) after one is hidden, shown
    again or deleted: `post_count`, `last_post_id` and `last_post_at` describe what everyone
    sees; what only moderators and authors see is added per reader (see thread_list_state)."""
    count, last_id, last_at = db.session.execute(
        db.select(db.func.count(Post.id), db.func.max(Post.id), db.func.max(Post.created_at))
        .where(Post.thread_id == thread.id, Post.hidden_at.is_(None), Post.deleted_at.is_(None))).one()
    thread.post_count, thread.last_post_id = count, last_id or 0
    thread.last_post_at = last_at or thread.created_at


def delete_post(post, actor):
    """Mark a post removed: readers see that it was removed, moderators still see its text."""
    post.deleted_at, post.deleted_by_id = utcnow(), actor.id
    _touch_if_first(post)
    refresh_counters(post.thread)
    if actor.id != post.author_id:
        record(actor, "forums.post.delete", post, space_id=post.thread.space_id)
    return post


def set_hidden(post, moderator, hidden=True):
    """Hide a post from everyone but moderators and its author (audited)."""
    before = {"hidden": post.is_hidden}
    if hidden:
        post.hidden_at, post.hidden_by_id = post.hidden_at or utcnow(), moderator.id
    else:
        post.hidden_at, post.hidden_by_id = None, None
    _touch_if_first(post)
    refresh_counters(post.thread)
    record(moderator, "forums.post.hide" if hidden else "forums.post.unhide", post,
           before=before, after={"hidden": hidden}, space_id=post.thread.space_id)
    return post


def set_thread_state(thread, moderator, pinned=None, locked=None):
    """Pin or lock a thread (audited)."""
    before = snapshot(thread, ("pinned", "locked"))
    if pinned is not None:
        thread.pinned = pinned
    if locked is not None:
        thread.locked = locked
    after = snapshot(thread, ("pinned", "locked"))
    if after != before:
        record(moderator, "forums.thread.update", thread, before=before, after=after,
               space_id=thread.space_id)
    return thread


def move_thread(thread, category, moderator):
    """Move a thread to another category of the same space (audited)."""
    if category.space_id != thread.space_id or thread.category_id is None:
        raise ForumError(_l("A thread can only move to another category of its space."))
    before = {"category_id": thread.category_id}
    thread.category_id = category.id
    thread.category = category
    record(moderator, "forums.thread.move", thread, before=before, after={"category_id": category.id},
           space_id=thread.space_id)
    return thread


def move_to_space(thread, space):
    """Carry a thread to another space with everything that hangs from it; the caller commits.

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
        _notify_space_moderators(thread)
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


def thread_posts(thread):
    """Every post of a thread with its author, in two queries whatever their number."""
    return db.session.scalars(
        db.select(Post).options(joinedload(Post.author))
        .where(Post.thread_id == thread.id).order_by(Post.id)).all()


# --- flags --------------------------------------------------------------------------------

def flag_post(post, flagger, reason, note=""):
    """Report a post to the moderators of its space; one open flag per person and post."""
    if reason not in Flag.REASONS:
        raise ForumError(_l("Choose a reason."))
    existing = db.session.scalar(db.select(Flag).where(
        Flag.post_id == post.id, Flag.flagger_id == flagger.id, Flag.resolved_at.is_(None)))
    if existing is not None:
        existing.reason, existing.note = reason, (note or "").strip()
        return existing
    flag = Flag(post_id=post.id, space_id=post.thread.space_id, flagger_id=flagger.id, reason=reason,
                note=(note or "").strip())
    db.session.add(flag)
    _notify_space_moderators(post.thread)
    return flag


def _notify_space_moderators(thread):
    """Tell the moderators named for this space (not the global ones) that the queue has work."""
    url = f"/spaces/{thread.space.slug}/forums/review"
    for moderator in permissions.people_with_role(thread.space, "moderator", include_global=False):
        notify(moderator, "forums.flagged", url=url, space=thread.space, title=thread.title)


def open_flags(space):
    """The review queue: open flags with their post, thread and people, oldest first."""
    return db.session.scalars(
        db.select(Flag).options(joinedload(Flag.post).joinedload(Post.thread),
                                joinedload(Flag.post).joinedload(Post.author),
                                joinedload(Flag.flagger))
        .where(Flag.space_id == space.id, Flag.resolved_at.is_(None))
        .order_by(Flag.created_at, Flag.id)).all()


def open_flag_count(space):
    return db.session.scalar(db.select(db.func.count(Flag.id)).where(
        Flag.space_id == space.id, Flag.resolved_at.is_(None)))


def resolve_flag(flag, moderator, outcome, message=""):
    """Act on a flag: hide the post, dismiss, lock the thread or warn the author.

    Every open flag on the same post is resolved with it; each flagger is told the outcome and
    the action is audited.
    """
    if outcome not in Flag.OUTCOMES:
        raise ForumError(_l("Choose an action."))
    post = flag.post
    thread = post.thread
    if outcome == "hidden":
        set_hidden(post, moderator, True)
    elif outcome == "locked":
        set_thread_state(thread, moderator, locked=True)
    elif outcome == "warned" and post.author is not None:
        notify(post.author, "forums.warning", url=post.url, space=thread.space, title=thread.title,
               text=(message or "").strip()[:500])
    now = utcnow()
    flags = db.session.scalars(db.select(Flag).where(Flag.post_id == post.id,
                                                     Flag.resolved_at.is_(None))).all()
    for each in flags:
        each.resolved_at, each.resolved_by_id, each.outcome = now, moderator.id, outcome
        if each.flagger is not None:
            notify(each.flagger, f"forums.flag_{outcome}", url=thread.url, space=thread.space,
                   title=thread.title)
    record(moderator, "forums.flag.resolve", flag, after={"outcome": outcome, "post_id": post.id,
                                                          "flags": len(flags), "message": message or ""},
           space_id=thread.space_id)
    return flags


# --- watching and reading -----------------------------------------------------------------

def _watch_filter(user, thread, category):
    return (Watch.user_id == user.id,
            Watch.thread_id == thread.id if thread is not None else Watch.thread_id.is_(None),
            Watch.category_id == category.id if category is not None else Watch.category_id.is_(None))


def is_watching(user, thread=None, category=None):
    return db.session.scalar(db.select(Watch.id).where(*_watch_filter(user, thread, category))) is not None


def watch(user, thread=None, category=None):
    """Follow a thread or a category (doing it twice changes nothing)."""
    if not is_watching(user, thread=thread, category=category):
        db.session.add(Watch(user_id=user.id, thread_id=thread.id if thread is not None else None,
                             category_id=category.id if category is not None else None))
        db.session.flush()


def unwatch(user, thread=None, category=None):
    db.session.execute(db.delete(Watch).where(*_watch_filter(user, thread, category)))


def _thread_watchers(thread):
    return db.session.scalars(db.select(User).join(Watch, Watch.user_id == User.id)
                              .where(Watch.thread_id == thread.id)).all()


def _notify_category_watchers(category, thread, author, skip=()):
    people = db.session.scalars(db.select(User).join(Watch, Watch.user_id == User.id)
                                .where(Watch.category_id == category.id)).all()
    for person in people:
        if person.id != author.id and person.id not in skip \
                and permissions.can_read_space(category.space, person):
            notify(person, "forums.new_thread", url=thread.url, space=category.space,
                   title=thread.title, category=category.title, author=author.name)


def read_mark(user, thread):
    """The id of the last post this person has seen in the thread (0: never opened)."""
    return db.session.scalar(db.select(ThreadRead.last_post_id).where(
        ThreadRead.user_id == user.id, ThreadRead.thread_id == thread.id)) or 0


def mark_read(user, thread, last_post_id):
    """Move the person's read mark forward (never back)."""
    mark = db.session.scalar(db.select(ThreadRead).where(ThreadRead.user_id == user.id,
                                                         ThreadRead.thread_id == thread.id))
    if mark is None:
        db.session.add(ThreadRead(user_id=user.id, thread_id=thread.id, last_post_id=last_post_id))
    elif mark.last_post_id < last_post_id:
        mark.last_post_id = last_post_id


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


def unread_candidates(thread, posts, user):
    """The ids of `posts` that can be unread for this person: those they see, not deleted."""
    actions = permissions.post_actions(thread, posts, user)
    return [p.id for p in posts if "see" in actions[p.id] and not p.is_deleted]


def thread_page_state(user, thread):
    """(watching, read mark) for the thread page, in one query."""
    row = db.session.execute(
        db.select(
            db.select(Watch.id).where(Watch.user_id == user.id, Watch.thread_id == thread.id)
            .exists().label("watching"),
            db.select(ThreadRead.last_post_id).where(ThreadRead.user_id == user.id,
                                                     ThreadRead.thread_id == thread.id)
            .scalar_subquery().label("mark"))).one()
    return bool(row.watching), row.mark or 0


def post_history(post):
    return db.session.scalars(db.select(PostRevision).options(selectinload(PostRevision.edited_by))
                              .where(PostRevision.post_id == post.id)
                              .order_by(PostRevision.id.desc())).all()


# --- maintenance --------------------------------------------------------------------------

def rerender_posts(batch=500):
    """Render every post's Markdown again (after the sanitiser or Markdown rules changed).

    Works through the posts by id, `batch` at a time, committing each batch so a large forum is
    never held in one transaction; only posts whose HTML differs are written, so a second run
    changes nothing. Returns (posts checked, posts re-rendered).
    """
    checked = changed = 0
    last_id = 0
    while True:
        posts = db.session.scalars(
            db.select(Post).options(joinedload(Post.thread).joinedload(Thread.space))
            .where(Post.id > last_id).order_by(Post.id).limit(batch)).all()
        if not posts:
            return checked, changed
        for post in posts:
            html = render_post_html(post.body, mentionable_handles(post.thread.space, post.body))
            if html != post.html:  # an unchanged post stays clean: nothing written or re-indexed
                post.html = html
                changed += 1
            checked += 1
        last_id = posts[-1].id
        db.session.commit()
