"""The notifications' part of a person's data: their notifications, and their name in others' (sociallab.privacy)."""
from sociallab.extensions import db
from sociallab.notifications.models import Notification
from sociallab.privacy.registry import register


def export(user, archive):
    notifications = db.session.scalars(db.select(Notification).where(Notification.user_id == user.id)
                                       .order_by(Notification.id))
    archive.add_json("notifications.json", [
        {"kind": n.kind, "data": n.data, "url": n.url, "created_at": n.created_at, "read_at": n.read_at,
         "emailed_at": n.emailed_at} for n in notifications])


def erase(erasure):
    db.session.execute(db.delete(Notification).where(Notification.user_id == erasure.user.id))
    # Others' notifications name the person who replied, mentioned or curated ("author", "actor").
    for notification in db.session.scalars(db.select(Notification).where(
            erasure.mentions_json(Notification.data))):
        notification.data = erasure.value(notification.data, notification.user.language)


def init_app(app):
    register(app, "notifications", export=export, erase=erase)
