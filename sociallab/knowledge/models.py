"""Resources of a space's library, their translations, attachments and file versions."""
import uuid

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.safeguarding.models import Sensitive

resource_theme = Table(
    "resource_theme", db.metadata,
    Column("resource_id", ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True),
)

resource_country = Table(
    "resource_country", db.metadata,
    Column("resource_id", ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True),
    Column("country_id", ForeignKey("country.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def new_translation_group():
    return uuid.uuid4().hex


class Resource(Sensitive, db.Model):
    """A toolkit, guide, report, article or workshop minutes shared in a space.

    Resources with the same `translation_group` are the language versions of one resource
    (at most one per language). Held as `sensitive` (safeguarding), whatever its status, only its
    author and the space's moderators see it.
    """
    TOOLKIT, GUIDE, REPORT, ARTICLE, MINUTES, OTHER = "toolkit", "guide", "report", "article", "minutes", "other"
    TYPES = (TOOLKIT, GUIDE, REPORT, ARTICLE, MINUTES, OTHER)
    # Published: every reader of the space. Draft: the author's organisation and moderators.
    # Hidden (by a moderator): moderators and the author.
    PUBLISHED, DRAFT, HIDDEN = "published", "draft", "hidden"
    STATUSES = (PUBLISHED, DRAFT, HIDDEN)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"), index=True)
    type: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(2), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # The author's organisation when the resource was written: who shares a draft.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=PUBLISHED, index=True)
    translation_group: Mapped[str] = mapped_column(String(32), default=new_translation_group, index=True)
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    space = relationship("Space")
    author = relationship("User", foreign_keys=[author_id])
    organisation = relationship("Organisation")
    themes = relationship("Theme", secondary=resource_theme, order_by="Theme.code")
    countries = relationship("Country", secondary=resource_country, order_by="Country.iso2")
    attachments = relationship("Attachment", back_populates="resource", order_by="Attachment.id",
                               cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("translation_group", "lang"),)

    def __repr__(self):
        return f"<Resource {self.id} {self.lang} {self.title!r}>"


class Attachment(db.Model):
    """A file attached to a resource; each upload of a new file adds a version, older ones stay listed."""
    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)

    resource = relationship("Resource", back_populates="attachments")
    versions = relationship("FileVersion", back_populates="attachment", order_by="FileVersion.number.desc()",
                            cascade="all, delete-orphan")

    @property
    def current(self):
        # By number, not list position: a version added in this session is appended last.
        return max(self.versions, key=lambda v: v.number) if self.versions else None

    @property
    def previous(self):
        current = self.current
        return sorted((v for v in self.versions if v is not current), key=lambda v: -v.number)


class FileVersion(db.Model):
    """One uploaded file, kept under a random name by the storage STORAGE_BACKEND names (storage.py)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    mimetype: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    # Text extracted from PDF and DOCX files, bounded, so search finds what is inside.
    text: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)
    # Images only (None for other files): the uploader's answer to "does it show people?" and,
    # when it does, who confirmed that the people shown (a child and a parent or guardian) agreed.
    shows_people: Mapped[bool | None] = mapped_column(Boolean)
    consent_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                                index=True)
    consent_confirmed_at: Mapped[DateTime | None] = mapped_column(DateTime)

    attachment = relationship("Attachment", back_populates="versions")
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])
    consent_confirmed_by = relationship("User", foreign_keys=[consent_confirmed_by_id])

    @property
    def is_image(self):
        return self.kind in ("png", "jpeg")

    __table_args__ = (UniqueConstraint("attachment_id", "number"),)


class StoredChunk(db.Model):
    """One piece of a stored file when files are kept in the database (STORAGE_BACKEND=postgres)."""
    __tablename__ = "stored_chunk"
    stored_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
