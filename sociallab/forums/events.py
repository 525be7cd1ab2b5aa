"""Live replies: a Socket.IO namespace with one room per thread, joined only by its readers."""
from flask import url_for
from flask_socketio import join_room

from sociallab import permissions
from sociallab.extensions import db, socketio

NAMESPACE = "/forums"


def room_for(thread_id):
    return f"thread-{thread_id}"


@socketio.on("connect", namespace=NAMESPACE)
def connect(auth=None):
    if not permissions.is_signed_in():
        raise ConnectionRefusedError("sign in first")


@socketio.on("join", namespace=NAMESPACE)
def join(data):
    """Join a thread's room; the acknowledgement says whether it was allowed."""
    from sociallab.forums.models import Thread
    thread_id = (data or {}).get("thread") if isinstance(data, dict) else None
    thread = db.session.get(Thread, thread_id) if isinstance(thread_id, int) else None
    if thread is None or not permissions.is_signed_in() or not permissions.can_read_space(thread.space):
        return {"ok": False}
    join_room(room_for(thread.id))
    return {"ok": True}


def broadcast_post(post):
    """Tell the thread's open pages a post was added (call after commit).

    Only ids and the fragment's address travel: each page fetches the post over HTTP, where
    the reader's own permissions decide what they see.
    """
    socketio.emit("post", {"thread": post.thread_id, "post": post.id,
                           "url": url_for("forums.post_fragment", post_id=post.id)},
                  namespace=NAMESPACE, to=room_for(post.thread_id))
