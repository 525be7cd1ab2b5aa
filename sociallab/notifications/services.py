"""Create notifications; e-mail delivery follows each person's choice (see digests)."""
from sociallab.extensions import db
from sociallab.notifications.models import Notification


def notify(user, kind, url="", space=None, **data):
    """Queue a notification for `user` in the current transaction and return it.

    Delivery by e-mail (immediate or daily digest) is decided by the person's preference
    when the notification is dispatched after commit.
    """
    if user is None or not user.active:
        return None
    notification = Notification(user_id=user.id, kind=kind, url=url, data=data,
                                space_id=space.id if space is not None else None)
    db.session.add(notification)
    return notification


def unread_count(user):
    return db.session.scalar(
        db.select(db.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)))
