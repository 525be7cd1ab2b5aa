"""What safeguarding keeps: which items are held as sensitive, and why."""
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sociallab.extensions import db
from sociallab.i18n import utcnow


class Sensitive:
    """A column for content that can be held: published anyway although it may identify a child,
    it is shown only to its author and the space's moderators until a moderator decides."""

    sensitive: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), nullable=False)

    @property
    def is_held(self):
        """Held itself; a model whose item is held with its parent (a post of a held thread) says so."""
        return bool(self.sensitive)


class SensitiveItem(db.Model):
    """One held item in the moderators' review queue: the passages found and the author's reason.

    The passages are kept as character spans of the item's fields, never copied out of it, so
    redacting the item leaves no copy of what was removed."""

    HELD, APPROVED, REDACTED = "held", "approved", "redacted"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    justification: Mapped[str] = mapped_column(Text, default="")
    # {field: [{"start":, "end":, "kind":}, ...]} as found when the author published.
    findings: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=HELD)
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[DateTime | None] = mapped_column(DateTime)

    author = relationship("User", foreign_keys=[author_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    __table_args__ = (
        UniqueConstraint("item_type", "item_id", name="uq_sensitive_item"),
        # The queue lists what is held; each item's space is read from the item itself (it moves
        # with an initiative edited into another space), never stored here.
        Index("ix_sensitive_item_status", "status"),
    )
