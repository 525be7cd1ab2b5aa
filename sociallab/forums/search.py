"""What threads and posts tell search, and who may find them (registered by forums.init_app)."""
from sqlalchemy import inspect
from sqlalchemy.orm import selectinload

from sociallab import search
from sociallab.extensions import db
from sociallab.forums.models import Post, Thread
from sociallab.permissions import audience_tokens_for_item


def _first_post(thread):
    if "posts" not in inspect(thread).unloaded:
        return thread.posts[0] if thread.posts else None
    return db.session.scalar(db.select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1))


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
    if post.is_hidden:
        audience = audience_tokens_for_item(thread.space_id, visibility="moderators", author_id=post.author_id)
    else:
        audience = audience_tokens_for_item(thread.space_id)
    space = thread.space
    return {
        "id": f"post:{post.id}",
        "type": "post",
        "title": thread.title,
        "body": post.body,
        "lang": post.lang,
        "space_id": thread.space_id,
        "countries": [space.country.iso2] if space and space.country else [],
        "themes": [],
        "created_at": post.created_at,
        "url": post.url,
        "audience": audience,
    }


def init_app(app):
    search.register_documents(app, Thread, "thread", thread_document, load_options=thread_load_options)
    search.register_documents(app, Post, "post", post_document)
