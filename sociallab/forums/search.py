"""What threads and posts tell search, and who may find them (registered by forums.init_app).

A thread is one search result, whichever of its texts match: the thread's own document (its title
and, while everyone may read it, its opening post) and each reply's open the thread's page and
have the type "thread", so search shows the thread once (a discussion embedded in an initiative's
page, once with that page), quoting and linking to its best-matching post the reader may see
(sociallab/search/grouping.py). The opening post has a document of its own only while it is hidden
or held, with the narrower audience that any such post keeps.
"""
from sqlalchemy import inspect
from sqlalchemy.orm import selectinload

from sociallab import search
from sociallab.extensions import db
from sociallab.forums.models import Post, Thread
from sociallab.forums.paging import post_url
from sociallab.permissions import audience_tokens_for_item
from sociallab.spaces.models import Space


def _first_post(thread):
    if "posts" not in inspect(thread).unloaded:
        return thread.posts[0] if thread.posts else None
    return db.session.scalar(db.select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1))


def _opening_post_id(thread):
    if "posts" not in inspect(thread).unloaded:
        return thread.posts[0].id if thread.posts else None
    return db.session.scalar(db.select(db.func.min(Post.id)).where(Post.thread_id == thread.id))


def thread_document(thread):
    first = _first_post(thread)
    return {
        "id": f"thread:{thread.id}",
        "type": "thread",
        "title": thread.title,
        "body": first.body if first is not None and first.is_public else "",
        "lang": thread.lang,
        "space_id": thread.space_id,
        "countries": [thread.space.country.iso2] if thread.space and thread.space.country else [],
        "themes": [],
        "created_at": thread.created_at,
        "url": thread.url,
        "audience": audience_tokens_for_item(thread.space_id),
    }


def thread_load_options():
    # A rebuild reads every post anyway; loading them per batch of threads gives each
    # thread its first post without a query per thread.
    return (selectinload(Thread.posts), selectinload(Thread.space))


def post_document(post):
    if post.is_deleted:
        return None
    thread = post.thread
    if post.is_public and post.id == _opening_post_id(thread):
        return None  # the thread's own document holds it: one entry, not a discussion and a reply
    if post.is_hidden:
        audience = audience_tokens_for_item(thread.space_id, visibility="moderators", author_id=post.author_id)
    else:
        audience = audience_tokens_for_item(thread.space_id)
    space = thread.space
    return {
        "id": f"post:{post.id}",
        # Found as its thread: one result, and one count under "Discussion".
        "type": "thread",
        "title": thread.title,
        "body": post.body,
        "lang": post.lang,
        "space_id": thread.space_id,
        "countries": [space.country.iso2] if space and space.country else [],
        "themes": [],
        "created_at": post.created_at,
        # With its page, so the link lands on the post without JavaScript in a long thread (a
        # post's page never changes); grouped with its thread whichever page shows it.
        "url": post_url(post),
        "group": thread.url,
        "audience": audience,
    }


def post_load_options():
    # Each post's thread (its space and country) and, to tell the opening post, the thread's
    # posts: one query per batch of posts instead of one per post.
    return (selectinload(Post.thread).selectinload(Thread.posts),
            selectinload(Post.thread).selectinload(Thread.space).selectinload(Space.country))


def post_dependents(post):
    """The thread, for its opening post: the thread's document holds that post's text while it is
    public, so any change to it (edited, hidden, held, approved) re-indexes the thread too."""
    thread = post.thread
    return [thread] if thread is not None and post.id == _opening_post_id(thread) else []


def init_app(app):
    search.register_documents(app, Thread, "thread", thread_document, load_options=thread_load_options)
    search.register_documents(app, Post, "post", post_document, load_options=post_load_options)
    search.register_dependents(app, Post, post_dependents)
