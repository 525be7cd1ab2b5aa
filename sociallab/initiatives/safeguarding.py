"""What of the initiatives safeguarding checks (registered by initiatives.init_app): the initiative's
texts and its journal entries, which can be held for the moderators, and the indicators' names and
notes and the comments of the timeline (stage changes, curation acts), which cannot wait: the author
removes or changes what is found.

An initiative's edits are kept in its audit entries (before and after of each text field), which
the moderators' redaction cleans (safeguarding.review); a timeline comment is kept in the audit
entries of its initiative, given as its copies.
"""
from flask_babel import lazy_gettext as _l

from sociallab import permissions, safeguarding
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.initiatives.models import Indicator, Initiative, JournalEntry, ReviewEvent, StageChange

INITIATIVE_FIELDS = ("title", "summary", "problem", "approach", "target_groups")
JOURNAL_FIELDS = ("tried", "observed", "adjusted")


def _follow_thread(initiative):
    """A redacted title is carried to the discussion that takes it (forums Thread)."""
    if initiative.thread is not None and initiative.thread.title != initiative.title:
        initiative.thread.title = initiative.title


def _audited_with_initiative(row):
    """A timeline comment is also kept in its initiative's audit entries (the act's "after")."""
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.target_type == "Initiative", AuditEntry.target_id == row.initiative_id))
    return [(entry, field) for entry in entries for field in ("before", "after")
            if getattr(entry, field)]


def _held_audience(initiative):
    """A held initiative is found by those who read it: its partners, its creator, the moderators."""
    return permissions.audience_tokens_for_item(initiative.space_id, "organisations", initiative.organisation_ids,
                                                author_id=initiative.created_by_id)


def init_app(app):
    safeguarding.register(app, Initiative, "initiative", INITIATIVE_FIELDS, label=_l("initiative"),
                          space_id=lambda initiative: initiative.space_id, url=lambda initiative: initiative.path,
                          author_id=lambda initiative: initiative.created_by_id,
                          language=lambda initiative: initiative.lang or "fr", rerender=_follow_thread,
                          readable=permissions.can_read_initiative, held_audience=_held_audience)
    safeguarding.register(app, JournalEntry, "journal", JOURNAL_FIELDS, label=_l("initiative journal entry"),
                          space_id=lambda entry: entry.initiative.space_id, url=lambda entry: entry.path,
                          language=lambda entry: entry.lang or "fr")
    safeguarding.register(app, Indicator, "indicator", ("name", "unit", "description"),
                          label=_l("initiative indicator"),
                          space_id=lambda indicator: indicator.initiative.space_id,
                          url=lambda indicator: f"{indicator.initiative.path}#indicator-{indicator.id}",
                          author_id=lambda indicator: None,
                          language=lambda indicator: indicator.initiative.lang or "fr")
    safeguarding.register(app, StageChange, "stage_change", ("comment",), label=_l("stage change comment"),
                          space_id=lambda change: change.initiative.space_id,
                          url=lambda change: f"{change.initiative.path}#stage",
                          author_id=lambda change: change.actor_id, copies=_audited_with_initiative,
                          language=lambda change: change.initiative.lang or "fr")
    safeguarding.register(app, ReviewEvent, "review_event", ("comment",), label=_l("review comment"),
                          space_id=lambda event: event.initiative.space_id,
                          url=lambda event: f"{event.initiative.path}#stage",
                          author_id=lambda event: event.actor_id, copies=_audited_with_initiative,
                          language=lambda event: event.initiative.lang or "fr")
