"""People, their volunteer mandates, their roles in spaces, and invitations."""
import secrets
from datetime import date

from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sociallab.extensions import db
from sociallab.i18n import utcnow


def new_session_token():
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    NOTIFY_IMMEDIATE, NOTIFY_DAILY, NOTIFY_NEVER = "immediate", "daily", "never"
    NOTIFY_CHOICES = (NOTIFY_IMMEDIATE, NOTIFY_DAILY, NOTIFY_NEVER)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    # Read through `name`: a deleted account's is stored empty and shown as "Former member".
    stored_name: Mapped[str] = mapped_column("name", String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated on sign-out, password change and deactivation: every older session stops working.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    notify_email: Mapped[str] = mapped_column(String(16), default=NOTIFY_DAILY)
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[DateTime | None] = mapped_column(DateTime)
    # Personal data (sociallab.privacy): asked for by the person, completed by an administrator.
    deletion_requested_at: Mapped[DateTime | None] = mapped_column(DateTime)
    deleted_at: Mapped[DateTime | None] = mapped_column(DateTime)

    organisation = relationship("Organisation", foreign_keys=[organisation_id])
    mandates = relationship("VolunteerMandate", back_populates="user",
                            order_by="VolunteerMandate.start_date.desc()")
    space_roles = relationship("SpaceRole", back_populates="user")

    @hybrid_property
    def name(self):
        # Translated when shown, never stored: the reader's language, not the deleting admin's.
        return _("Former member") if self.deleted_at is not None else self.stored_name

    @name.inplace.setter
    def _name_setter(self, value):
        self.stored_name = value

    @name.inplace.expression
    @classmethod
    def _name_expression(cls):
        return cls.stored_name

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return f"{self.id}:{self.session_token}"

    def end_all_sessions(self):
        self.session_token = new_session_token()

    def running_mandate(self, today=None):
        today = today or date.today()
        for mandate in self.mandates:
            if mandate.start_date <= today <= mandate.end_date:
                return mandate
        return None

    @property
    def is_volunteer(self):
        return bool(self.mandates)

    def effective_organisation(self, today=None):
        """The organisation whose rights this person has today (a volunteer: their mandate's)."""
        if self.organisation is not None:
            return self.organisation
        mandate = self.running_mandate(today)
        return mandate.organisation if mandate else None

    def __repr__(self):
        return f"<User {self.email}>"


class VolunteerMandate(db.Model):
    """A PCV volunteer's 9–12 month mandate with one partner."""
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    specialty: Mapped[str] = mapped_column(String(64), default="")

    user = relationship("User", back_populates="mandates")
    organisation = relationship("Organisation")


class SpaceRole(db.Model):
    """A moderator or facilitator role in one space, or everywhere when space_id is empty."""
    MODERATOR, FACILITATOR = "moderator", "facilitator"
    ROLES = (MODERATOR, FACILITATOR)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    space_id: Mapped[int | None] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))

    user = relationship("User", back_populates="space_roles")
    space = relationship("Space")
    __table_args__ = (UniqueConstraint("user_id", "space_id", "role"),)


class Invitation(db.Model):
    """A single-use, expiring invitation of an e-mail address into an organisation."""
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[DateTime] = mapped_column(DateTime)
    used_at: Mapped[DateTime | None] = mapped_column(DateTime)
    language: Mapped[str] = mapped_column(String(2), default="fr")

    organisation = relationship("Organisation")
    invited_by = relationship("User", foreign_keys=[invited_by_id])
