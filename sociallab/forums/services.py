"""The forums' categories, threads and posts: listing them, starting a thread, replying, editing, removing.

Each change is one unit of work: its check (forums/checks.py: may the acting person do it, then
the forum's own rules), the change, the commit, and then what follows it (notifications and their
mail leave once committed; the view broadcasts a new post to the open pages after the call).
The other concerns have their own modules: reading.py (watching, read marks, unread counts),
moderation.py (hide, pin, lock, move), flags.py (reports and the review queue) and
discussions.py (the comments of other domains' pages).
"""
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from sociallab import permissions
from sociallab.accounts.models import User
from sociallab.audit.services import add_and_record, record, snapshot
from sociallab.content import extract_mentions
from sociallab.extensions import db
from sociallab.forums import paging
from sociallab.forums.checks import (
    check_delete_post,
    check_edit_post,
    check_moderate,
    check_reply,
    check_start_thread,
    check_text,
)
from sociallab.forums.models import Category, Post, PostRevision, Thread, render_post_html
from sociallab.forums.moderation import refresh_counters, touch_if_first
from sociallab.forums.paging import last_page, post_url
from sociallab.forums.reading import (
    mark_read,
    notify_category_watchers,
    notify_reply_watchers,
    reader_state_columns,
    start_watching,
)
from sociallab.i18n import utcnow
from sociallab.notifications.services import notify
from sociallab.resends import written_once
from sociallab.spaces.models import Country, Organisation, Space

THREADS_PER_PAGE = 25
QUOTE_MAX = 1200


@dataclass
class Published:
    """A post just written: who was notified of it, and the mentioned handles that notified nobody."""
    post: Post
    notified: list = field(default_factory=list)
    not_notified: list = field(default_factory=list)
    # The post a form sent again had already made (nothing new was written or notified).
    resent: bool = False


# --- categories ---------------------------------------------------------------------------

CATEGORY_FIELDS = ("title", "description", "lang", "position", "archived")


def categories_of(space, include_archived=False):
    query = db.select(Category).where(Category.space_id == space.id)
    if not include_archived:
        query = query.where(Category.archived.is_(False))
    return db.session.scalars(query.order_by(Category.archived, Category.position, Category.id)).all()


def create_category(space, title, description, lang, actor, position=None):
    """Add a category to a space's forum (audited): the space's moderators."""
    check_moderate(space, actor)
    if position is None:
        position = (db.session.scalar(db.select(db.func.max(Category.position))
                                      .where(Category.space_id == space.id)) or 0) + 10
    category = Category(space_id=space.id, title=title.strip(), description=(description or "").strip(),
                        lang=lang, position=position)
    add_and_record(actor, category, "forums.category.create", CATEGORY_FIELDS, space_id=space.id)
    db.session.commit()
    return category


# A space's first category, so its members can talk from the day it opens. Its title is content of
# the space, stored once in the space's language like any category a moderator writes, not a
# label translated for each reader.
DEFAULT_CATEGORY = {
    "fr": ("Discussion générale", "Pour tout ce qui n'a pas encore sa propre catégorie."),
    "en": ("General discussion", "For everything that has no category of its own yet."),
    "es": ("Conversación general", "Para todo lo que aún no tiene su propia categoría."),
}


def space_language(space, default="fr"):
    """The language most of the space's partner members chose; for a national space nobody has
    joined yet, its region's; else `default`."""
    if space.kind == Space.INTERNATIONAL:
        scopes = [None]
    elif space.kind == Space.REGIONAL:
        scopes = [Country.region_id == space.region_id]
    else:
        region_id = space.country.region_id if space.country is not None else None
        scopes = [Country.id == space.country_id, Country.region_id == region_id]
    for scope in scopes:
        query = (db.select(User.language).join(Organisation, User.organisation_id == Organisation.id)
                 .join(Country, Organisation.country_id == Country.id)
                 .where(User.active.is_(True), User.language.in_(tuple(DEFAULT_CATEGORY))))
        if scope is not None:
            query = query.where(scope)
        language = db.session.scalar(query.group_by(User.language)
                                     .order_by(db.func.count(User.id).desc(), User.language).limit(1))
        if language:
            return language
    return default if default in DEFAULT_CATEGORY else "fr"


def give_default_category(space, actor=None, default_language="fr"):
    """Give a space that has no category (archived ones count: a moderator chose) its general one.

    A step of the caller's change, like a discussion: the caller (creating a space, the demo, the
    `default-categories` command) has checked who acts and commits. Returns the category or None.
    """
    if db.session.scalar(db.select(Category.id).where(Category.space_id == space.id).limit(1)) is not None:
        return None
    lang = space_language(space, default_language)
    title, description = DEFAULT_CATEGORY[lang]
    category = Category(space_id=space.id, title=title, description=description, lang=lang, position=10)
    add_and_record(actor, category, "forums.category.create", CATEGORY_FIELDS, space_id=space.id)
    return category


def give_default_categories(default_language="fr"):
    """Every open space without a category gets its general one (safe to run again). Returns them."""
    spaces = db.session.scalars(db.select(Space).where(Space.archived.is_(False)).order_by(Space.id)).all()
    given = [category for category in (give_default_category(space, None, default_language) for space in spaces)
             if category is not None]
    db.session.commit()
    return given


def update_category(category, actor, **changes):
    """Rename, reorder or archive a category (audited): the space's moderators."""
    check_moderate(category.space, actor)
    before = snapshot(category, CATEGORY_FIELDS)
    for name, value in changes.items():
        if name not in CATEGORY_FIELDS:
            raise ValueError(name)
        setattr(category, name, value.strip() if isinstance(value, str) else value)
    after = snapshot(category, CATEGORY_FIELDS)
    if after != before:
        record(actor, "forums.category.update", category, before=before, after=after,
               space_id=category.space_id)
    db.session.commit()
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

def list_threads(category, page=1):
    """One page of a category's threads: pinned first, then latest activity."""
    return db.paginate(
        db.select(Thread).options(joinedload(Thread.author))
        .where(Thread.category_id == category.id, permissions.unheld(Thread, Thread.space_id))
        .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc()),
        page=page, per_page=THREADS_PER_PAGE, error_out=False)


def thread_posts(thread):
    """Every post of a thread with its author, in two queries whatever their number."""
    return _of_thread(thread, db.session.scalars(
        db.select(Post).options(joinedload(Post.author))
        .where(Post.thread_id == thread.id).order_by(Post.id)).all())


def _of_thread(thread, posts):
    """`posts` (of `thread`) with their thread set: each post's rules and template read it (held,
    locked, its address), and fifty lazy loads from the identity map cost a page about 1 ms."""
    for post in posts:
        set_committed_value(post, "thread", thread)
    return posts


# --- pages of a thread --------------------------------------------------------------------
@dataclass
class ThreadPage:
    """One page of a thread: its posts (with their authors), its number and the number of pages."""
    posts: list
    page: int
    pages: int
    extra: object = None

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages


@cache
def _page_statement(with_reader):
    """The statement of a thread's page, built once per process: building it and working out its
    cache key cost about as much as running it (0.5 ms of a page). Parameters: thread_id, limit,
    offset, and reader_id when it carries the reader's state of the thread."""
    thread_id = db.bindparam("thread_id")
    total = db.select(db.func.count(Post.id)).where(Post.thread_id == thread_id).scalar_subquery()
    columns = reader_state_columns() if with_reader else ()
    return (db.select(Post, total.label("total"), *columns).options(joinedload(Post.author))
            .where(Post.thread_id == thread_id).order_by(Post.id)
            .limit(db.bindparam("limit")).offset(db.bindparam("offset")))


def thread_page(thread, page=1, reader=None):
    """The posts of page `page` (1 = the oldest) with the number of pages, in one query.

    The total travels as a column on each row, a count computed once by the database (a window
    count over the page's rows joined to their authors made SQLite build every row of the thread:
    0.6 ms of a page); so does the `reader`'s state of the thread (following it, read mark: see
    reading.reader_state_columns), read from the first row into `ThreadPage.extra` (None when the
    page is empty or there is no reader).
    A page beyond the last one is empty, and then the last page is shown (one more query: a link
    to a page that no longer exists).
    """
    page = max(1, int(page or 1))
    params = {"thread_id": thread.id, "limit": paging.POSTS_PER_PAGE, "offset": (page - 1) * paging.POSTS_PER_PAGE}
    if reader is not None:
        params["reader_id"] = reader.id
    rows = db.session.execute(_page_statement(reader is not None), params).all()
    if not rows:
        last = last_page(thread)
        return thread_page(thread, last, reader) if page > last else ThreadPage([], 1, 1)
    pages = -(-rows[0].total // paging.POSTS_PER_PAGE)
    return ThreadPage(_of_thread(thread, [row.Post for row in rows]), page, pages,
                      rows[0]._mapping if reader is not None else None)


def create_thread(category, title, body, author, lang, submission=None):
    """Start a thread in a category with its first post; the author watches it. A form sent again
    (the same `submission` key, title and text) gives the thread it started the first time."""
    check_start_thread(category, author)
    check_text(title, body)
    title = title.strip()

    def earlier():
        post = _submitted(author, submission, body, lambda p: p.thread.category_id == category.id
                          and p.thread.title == title and p.thread.author_id == author.id)
        return None if post is None else (post.thread, Published(post=post, resent=True))

    def write(key):
        thread = Thread(space_id=category.space_id, category_id=category.id, title=title,
                        lang=lang, author_id=author.id)
        db.session.add(thread)
        db.session.flush()
        return thread, _add_post(thread, author, body, lang, submission=key)

    (thread, published), written = written_once(submission, earlier, write)
    if not written:
        return thread, published
    start_watching(author, thread=thread)
    notify_category_watchers(category, thread, author, skip={u.id for u in published.notified})
    db.session.commit()
    return thread, published


def quoted_post(thread, quote_id):
    """The post a reply quotes: one everyone sees in the same thread, else None (quote nothing)."""
    quoted = db.session.get(Post, quote_id) if quote_id else None
    return quoted if quoted is not None and quoted.is_public and quoted.thread_id == thread.id else None


def reply(thread, author, body, lang, quoted=None, submission=None):
    """Add a post to a thread (optionally quoting another post of it); watchers are notified.
    A form sent again (the same `submission` key and text) gives the post it made the first time."""
    check_reply(thread, author)
    check_text(body=body)
    if quoted is not None and quoted.thread_id != thread.id:
        quoted = None

    def earlier():
        post = _submitted(author, submission, body, lambda p: p.thread_id == thread.id)
        return None if post is None else Published(post=post, resent=True)

    published, written = written_once(submission, earlier, lambda key: _add_post(
        thread, author, body, lang, quoted=quoted, submission=key))
    if not written:
        return published
    notify_reply_watchers(thread, published.post, author,
                          skip={u.id for u in published.notified} | {author.id})
    start_watching(author, thread=thread)
    db.session.commit()
    return published


def quote_text(post):
    """The Markdown a quote-reply starts with: the quoted text, attributed."""
    body = post.body if len(post.body) <= QUOTE_MAX else post.body[:QUOTE_MAX].rstrip() + " …"
    quoted = "\n".join("> " + line for line in body.splitlines())
    name = post.author.name if post.author else "?"
    return f"> **{name}:**\n{quoted}\n\n"


def _submitted(author, submission, body, same_place):
    """The post `author` wrote from the form with the key `submission`, if this is that form sent
    again: the same text, in the same place. Else None (no key, or a different post: the key of a
    page restored by the back button and rewritten, say, which is then written without it)."""
    if not submission:
        return None
    post = db.session.scalar(db.select(Post).where(Post.author_id == author.id, Post.submission_id == submission))
    if post is None or post.body != body.strip() or not same_place(post):
        return None
    return post


def _add_post(thread, author, body, lang, quoted=None, submission=None):
    post = Post(thread_id=thread.id, author_id=author.id, lang=lang, submission_id=submission or None,
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
        notify(quoted.author, "forums.quote", url=post_url(post), space=thread.space,
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
            notify(person, "forums.mention", url=post_url(post), space=thread.space,
                   title=thread.title, author=author.name)
            result.notified.append(person)
    return result


def edit_post(post, editor, body, lang):
    """Replace a post's text, keeping the previous version; newly mentioned people are notified."""
    check_edit_post(post, editor)
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
    touch_if_first(post)
    published = _notify_mentions(post, post.author or editor, extract_mentions(body), already=old_handles)
    db.session.commit()
    return published


def delete_post(post, actor):
    """Mark a post removed: readers see that it was removed, moderators still see its text."""
    check_delete_post(post, actor)
    post.deleted_at, post.deleted_by_id = utcnow(), actor.id
    touch_if_first(post)
    refresh_counters(post.thread)
    if actor.id != post.author_id:
        record(actor, "forums.post.delete", post, space_id=post.thread.space_id)
    db.session.commit()
    return post


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
