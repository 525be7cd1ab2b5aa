"""Live replies: a Socket.IO namespace with one room per thread, joined only by its readers."""
from flask import url_for
from flask_babel import gettext as _
from flask_socketio import join_room

from sociallab import payloads, permissions
from sociallab.extensions import db, socketio
from sociallab.forums.models import Post

NAMESPACE = "/forums"


def room_for(thread):
    """A thread's room is named for its space too: when the thread moves to another space, the
    pages opened by the readers of the old space stop receiving its posts (they joined a room that
    no broadcast names any more), and the new space's readers join the new room."""
    return f"thread-{thread.id}-space-{thread.space_id}"


@payloads.lifecycle
def connect(auth=None):
    if not permissions.is_signed_in():
        raise ConnectionRefusedError("sign in first")


MISSED_MAX = 50


@payloads.event({"thread": payloads.integer(minimum=1), "after": payloads.integer()})
def join(data):
    """Join a thread's room; the acknowledgement says whether it was allowed.

    A page sends `after`, the newest post it shows: on a first connection and on every
    reconnection the acknowledgement lists the posts published since (`missed`, those this
    reader may see), so a dropped connection loses nothing. Beyond MISSED_MAX, `more` tells
    the page to offer a reload instead.
    """
    thread_id, after = data["thread"], data["after"]
    thread = permissions.readable_thread(thread_id)
    if thread is None:
        # One answer whether the thread does not exist or is in a space the reader may not see.
        return {"ok": False, "code": 404,
                "error": _("This discussion does not exist, or you do not have access to it.")}
    join_room(room_for(thread))
    if not after:
        return {"ok": True, "missed": [], "more": False}
    posts = db.session.scalars(db.select(Post).where(Post.thread_id == thread.id, Post.id > after,
                                                     Post.deleted_at.is_(None))
                               .order_by(Post.id).limit(MISSED_MAX + 1)).all()
    more = len(posts) > MISSED_MAX
    actions = permissions.post_actions(thread, posts[:MISSED_MAX])
    missed = [_message(post) for post in posts[:MISSED_MAX] if "see" in actions[post.id]]
    return {"ok": True, "missed": missed, "more": more}


def _message(post):
    return {"thread": post.thread_id, "post": post.id,
            "url": url_for("forums.post_fragment", post_id=post.id)}


def broadcast_post(post):
    """Tell the thread's open pages a post was added (call after commit).

    Only ids and the fragment's address travel: each page fetches the post over HTTP, where
    the reader's own permissions decide what they see.
    """
    socketio.emit("post", _message(post), namespace=NAMESPACE, to=room_for(post.thread))


def init_app(app):
    """Listen to the namespace on the Socket.IO server of `app` (each app has its own)."""
    socketio.on_event("connect", connect, namespace=NAMESPACE)
    socketio.on_event("join", join, namespace=NAMESPACE)
