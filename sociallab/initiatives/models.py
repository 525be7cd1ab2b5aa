"""Initiatives, their stage history, curation events, journal and indicators."""
from datetime import date

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sociallab.extensions import db
from sociallab.forums import models as forum_models  # noqa: F401  (the comments live in a forums Thread)
from sociallab.http_input import SUBMISSION_MAX
from sociallab.i18n import utcnow
from sociallab.safeguarding.models import Sensitive

initiative_theme = Table(
    "initiative_theme", db.metadata,
    Column("initiative_id", ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True),
)

initiative_country = Table(
    "initiative_country", db.metadata,
    Column("initiative_id", ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True),
    Column("country_id", ForeignKey("country.id", ondelete="CASCADE"), primary_key=True, index=True),
)

# The people notified of curation acts: the creator and whoever edited the initiative since.
initiative_author = Table(
    "initiative_author", db.metadata,
    Column("initiative_id", ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Initiative(Sensitive, db.Model):
    """An experimental project of one or more partners, from idea to good practice.

    Held as sensitive (published although its text may identify a child), only its partners and
    its space's moderators read it until a moderator approves or redacts it."""

    # Curation status (who may read it); the stage (where the experiment is) is separate.
    DRAFT, SUBMITTED, CHANGES_REQUESTED, PUBLISHED, ARCHIVED = (
        "draft", "submitted", "changes_requested", "published", "archived")
    STATUSES = (DRAFT, SUBMITTED, CHANGES_REQUESTED, PUBLISHED, ARCHIVED)
    # Statuses whose figures the dashboards count: what a moderator has approved.
    APPROVED = (PUBLISHED, ARCHIVED)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    approach: Mapped[str] = mapped_column(Text, default="")
    target_groups: Mapped[str] = mapped_column(String(500), default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    lang: Mapped[str] = mapped_column(String(2), default="fr", index=True)
    stage: Mapped[str] = mapped_column(String(16), default="idea", index=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    featured: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    lead_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)
    last_activity_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow, index=True)
    submitted_at: Mapped[DateTime | None] = mapped_column(DateTime)
    published_at: Mapped[DateTime | None] = mapped_column(DateTime)
    featured_at: Mapped[DateTime | None] = mapped_column(DateTime)
    # The forums discussion that carries the comments, opened when the initiative is approved.
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id", ondelete="SET NULL"), index=True)

    space = relationship("Space")
    lead_organisation = relationship("Organisation", foreign_keys=[lead_organisation_id])
    co_leads = relationship("InitiativeCoLead", cascade="all, delete-orphan", back_populates="initiative")
    created_by = relationship("User", foreign_keys=[created_by_id])
    thread = relationship("Thread")
    themes = relationship("Theme", secondary=initiative_theme, order_by="Theme.code")
    countries = relationship("Country", secondary=initiative_country, order_by="Country.iso2")
    authors = relationship("User", secondary=initiative_author)
    stage_changes = relationship("StageChange", cascade="all, delete-orphan", back_populates="initiative",
                                 order_by="StageChange.created_at")
    reviews = relationship("ReviewEvent", cascade="all, delete-orphan", back_populates="initiative",
                           order_by="ReviewEvent.created_at")
    journal = relationship("JournalEntry", cascade="all, delete-orphan", back_populates="initiative",
                           order_by="(JournalEntry.entry_date.desc(), JournalEntry.id.desc())")
    indicators = relationship("Indicator", cascade="all, delete-orphan", back_populates="initiative",
                              order_by="Indicator.position, Indicator.id")

    __table_args__ = (Index("ix_initiative_space_status", "space_id", "status"),)

    @property
    def path(self):
        """The page of the initiative (a plain path, so services can use it without a request)."""
        return f"/initiatives/{self.id}"

    @property
    def author_id(self):
        """Who wrote it, for safeguarding (a held initiative is found by them in search)."""
        return self.created_by_id

    @property
    def organisations(self):
        """Lead then co-lead organisations: the initiative's authoring partners."""
        return [self.lead_organisation] + [c.organisation for c in self.co_leads]

    @property
    def organisation_ids(self):
        return {self.lead_organisation_id} | {c.organisation_id for c in self.co_leads}

    @property
    def is_public_good_practice(self):
        return self.featured and self.status == self.PUBLISHED

    def __repr__(self):
        return f"<Initiative {self.id} {self.title!r}>"


class InitiativeCoLead(db.Model):
    """A co-lead partner organisation, possibly of another country."""
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True, index=True)

    initiative = relationship("Initiative", back_populates="co_leads")
    organisation = relationship("Organisation")


class StageChange(db.Model):
    """One move on the stage machine: dated, attributed, explained."""
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)

    initiative = relationship("Initiative", back_populates="stage_changes")
    actor = relationship("User")


class ReviewEvent(db.Model):
    """A curation act (submitted, changes requested, approved, featured…) shown to the authors."""
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)

    initiative = relationship("Initiative", back_populates="reviews")
    actor = relationship("User")


class JournalEntry(Sensitive, db.Model):
    """An experiment entry: what was tried, observed and adjusted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    entry_date: Mapped[date] = mapped_column(Date)
    tried: Mapped[str] = mapped_column(Text, default="")
    observed: Mapped[str] = mapped_column(Text, default="")
    adjusted: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)
    # The key of the form that wrote it (a uuid made when the form was shown): the same form sent
    # again (a double click, a resend after a lost answer) finds this entry rather than adding one.
    submission_id: Mapped[str | None] = mapped_column(String(SUBMISSION_MAX))

    initiative = relationship("Initiative", back_populates="journal")
    author = relationship("User")
    __table_args__ = (
        # One entry per form sent by a person; entries without a key (older forms) are not constrained.
        Index("uq_journal_entry_author_submission", "author_id", "submission_id", unique=True),
    )

    @property
    def is_held(self):
        """Held as sensitive, itself or with its initiative (it is found with the initiative's text)."""
        return bool(self.sensitive or self.initiative.sensitive)

    @property
    def path(self):
        return f"{self.initiative.path}#journal-{self.id}"


class Indicator(db.Model):
    """What an initiative measures, reported per period with a breakdown by sex and age."""
    REACHED, TRAINED, OTHER = "reached", "trained", "other"
    MEASURES = (REACHED, TRAINED, OTHER)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Which programme roll-up the indicator feeds: people reached, people trained, or none.
    measures: Mapped[str] = mapped_column(String(16), default=REACHED, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    initiative = relationship("Initiative", back_populates="indicators")
    values = relationship("IndicatorValue", cascade="all, delete-orphan", back_populates="indicator",
                          order_by="(IndicatorValue.period, IndicatorValue.kind)")


class IndicatorValue(db.Model):
    """Baseline, target or actual figure of an indicator for one reporting period.

    Sex cells (girls, boys, women, men, not specified) add up to the total when given;
    children and adults are the age groups (derived from the sex cells when left empty).
    """
    BASELINE, TARGET, ACTUAL = "baseline", "target", "actual"
    KINDS = (BASELINE, TARGET, ACTUAL)
    SEX_CELLS = ("girls", "boys", "women", "men", "unspecified")
    AGE_CELLS = ("children", "adults")
    CELLS = ("total",) + SEX_CELLS + AGE_CELLS

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    period: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    total: Mapped[int] = mapped_column(Integer)
    girls: Mapped[int | None] = mapped_column(Integer)
    boys: Mapped[int | None] = mapped_column(Integer)
    women: Mapped[int | None] = mapped_column(Integer)
    men: Mapped[int | None] = mapped_column(Integer)
    unspecified: Mapped[int | None] = mapped_column(Integer)
    children: Mapped[int | None] = mapped_column(Integer)
    adults: Mapped[int | None] = mapped_column(Integer)
    # The actual value of the latest period of its indicator, kept by the service on every
    # save, so roll-ups read one flagged row per indicator instead of ranking all periods.
    latest: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)

    indicator = relationship("Indicator", back_populates="values")

    __table_args__ = (
        UniqueConstraint("indicator_id", "period", "kind"),
        Index("ix_indicator_value_latest", "latest", "indicator_id"),
    )


class InitiativeFigure(db.Model):
    """People reached (or trained) by an initiative: its indicators' latest actual values, summed.

    Kept by the indicators service on every change of values or indicators, so dashboards add
    up one row per initiative rather than joining every indicator and period.
    """
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True)
    measures: Mapped[str] = mapped_column(String(16), primary_key=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    girls: Mapped[int] = mapped_column(Integer, default=0)
    boys: Mapped[int] = mapped_column(Integer, default=0)
    women: Mapped[int] = mapped_column(Integer, default=0)
    men: Mapped[int] = mapped_column(Integer, default=0)
    unspecified: Mapped[int] = mapped_column(Integer, default=0)
    children: Mapped[int] = mapped_column(Integer, default=0)
    adults: Mapped[int] = mapped_column(Integer, default=0)

    CELLS = ("total", "girls", "boys", "women", "men", "unspecified", "children", "adults")
