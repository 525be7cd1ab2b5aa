"""Notifications: what happened that a person should know about."""
from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sociallab.extensions import db
from sociallab.i18n import utcnow


class Notification(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # A stable kind ("mention", "reply", "initiative.approved", ...) rendered in the reader's language.
    kind: Mapped[str] = mapped_column(String(64))
    # Plain values the message template needs (titles, names); never pre-rendered HTML.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(500), default="")
    space_id: Mapped[int | None] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"))
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[DateTime | None] = mapped_column(DateTime)
    emailed_at: Mapped[DateTime | None] = mapped_column(DateTime)
    # About an item held as sensitive: shown and mailed only once a moderator has decided.
    held_item_id: Mapped[int | None] = mapped_column(ForeignKey("sensitive_item.id", ondelete="CASCADE"),
                                                     index=True)

    user = relationship("User")
    held_item = relationship("SensitiveItem")
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)


class ScheduledRun(db.Model):
    """When a scheduled job (sociallab/notifications/scheduler.py) last started and finished.

    A scheduler claims a run by moving `started_at` past the job's latest due time in one UPDATE:
    of two schedulers, only one changes the row, and a restarted one does not run a job again
    for a time it was already run for.
    """
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[DateTime | None] = mapped_column(DateTime)
    finished_at: Mapped[DateTime | None] = mapped_column(DateTime)
    # What the last run did ("12"), or that it failed: shown by `flask sociallab run-scheduled --status`.
    result: Mapped[str] = mapped_column(String(200), default="")
