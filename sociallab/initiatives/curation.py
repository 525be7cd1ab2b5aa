"""Curation: submit for review, request changes, approve, feature as good practice, archive.

Like the stage machine, curation is one table: for each act, the statuses it starts from,
the status it leads to, who may do it, and whether a comment is required. Every act is
audited and notifies the authors (or, for a submission, the space's moderators), then committed;
who may act is asked first (checks.refuse_unless), so a refused act writes nothing.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sociallab.accounts.models import SpaceRole
from sociallab.audit.services import record
from sociallab.extensions import db
from sociallab.forums.discussions import create_discussion
from sociallab.i18n import utcnow
from sociallab.initiatives.checks import InitiativeError, refuse_unless
from sociallab.initiatives.models import Initiative, ReviewEvent
from sociallab.notifications.services import notify
from sociallab.permissions import can_curate, can_edit_initiative, people_with_role

EDITORS, CURATORS = "editors", "curators"
D, S, C, P, A = (Initiative.DRAFT, Initiative.SUBMITTED, Initiative.CHANGES_REQUESTED,
                 Initiative.PUBLISHED, Initiative.ARCHIVED)


@dataclass(frozen=True)
class Act:
    from_statuses: tuple
    to_status: str
    who: str
    label: object
    comment_required: bool = False
    featured: bool | None = None  # the featured flag after the act (None: unchanged)
    needs_featured: bool | None = None  # the featured flag the act requires before


ACTS = {
    "submit": Act((D, C), S, EDITORS, _l("Submit for review")),
    "request_changes": Act((S,), C, CURATORS, _l("Request changes"), comment_required=True),
    "approve": Act((S,), P, CURATORS, _l("Approve and publish")),
    "feature": Act((P,), P, CURATORS, _l("Feature as good practice"), featured=True, needs_featured=False),
    "unfeature": Act((P,), P, CURATORS, _l("Remove from good practices"), featured=False, needs_featured=True),
    "archive": Act((S, C, P), A, CURATORS, _l("Archive"), featured=False),
    "restore": Act((A,), P, CURATORS, _l("Restore")),
}

STATUS_LABELS = {
    D: _l("Draft"), S: _l("In review"), C: _l("Changes requested"), P: _l("Published"), A: _l("Archived"),
}

# The moderators' feature has its own name: "good practice" alone was also read in the stage
# "Capitalised (good practice)", and a card could say "Idea · Good practice".
FEATURED_LABEL = _l("Featured good practice")
FEATURED_HINT = _l("Featured good practice: chosen by the moderators as an example for the whole Lab and open to "
                   "every member, whatever its stage. Not the same as the stage “Capitalised”, which the team sets.")
FEATURE_HELP = _l("Featuring shows the initiative to every member of the Lab among the featured good practices. "
                  "It does not change its stage: “Capitalised” is set by the team.")

EVENT_LABELS = {
    "submit": _l("Submitted for review"), "request_changes": _l("Changes requested"),
    "approve": _l("Approved and published"), "feature": _l("Featured as good practice"),
    "unfeature": _l("Removed from good practices"), "archive": _l("Archived"), "restore": _l("Restored"),
}


class CurationError(InitiativeError):
    """A refused curation act; `forbidden` (a 403 or 404 status) tells a permission refusal from a
    state refusal (400)."""


def may_act(initiative, act_name, user):
    act = ACTS.get(act_name)
    if act is None:
        return False
    allowed = can_edit_initiative(initiative, user) if act.who == EDITORS else can_curate(initiative, user)
    return allowed and _state_allows(initiative, act)


def _state_allows(initiative, act):
    return initiative.status in act.from_statuses and (
        act.needs_featured is None or initiative.featured == act.needs_featured)


def available_acts(initiative, user):
    return [(name, act) for name, act in ACTS.items() if may_act(initiative, name, user)]


def curate(initiative, act_name, actor, comment=""):
    """Apply a curation act and commit it. Raises CurationError, writing nothing, when refused."""
    act = ACTS.get(act_name)
    if act is None:
        raise CurationError(_("Unknown action."))
    allowed = can_edit_initiative(initiative, actor) if act.who == EDITORS else can_curate(initiative, actor)
    refuse_unless(allowed, initiative, actor, _("You may not do this with this initiative."), CurationError)
    if not _state_allows(initiative, act):
        raise CurationError(_("This initiative is “%(status)s”: “%(act)s” is not possible now.",
                              status=STATUS_LABELS[initiative.status], act=act.label))
    comment = (comment or "").strip()
    if act.comment_required and not comment:
        raise CurationError(_("Tell the authors what to change in a comment."))
    before = {"status": initiative.status, "featured": initiative.featured}
    initiative.journal  # noqa: B018  loaded now, so search re-indexes the entries with the new audience
    now = utcnow()
    initiative.status = act.to_status
    if act.featured is not None:
        initiative.featured = act.featured
    if act_name == "submit":
        initiative.submitted_at = now
    elif act_name == "approve":
        initiative.published_at = now
        _open_discussion(initiative, actor)
    elif act_name == "feature":
        initiative.featured_at = now
    initiative.last_activity_at = now
    event = ReviewEvent(initiative=initiative, action=act_name, comment=comment, actor_id=actor.id, created_at=now)
    db.session.add(event)
    db.session.flush()  # the comment is checked (safeguarding) before the audit entry and notices keep it
    record(actor, f"initiative.{act_name}", initiative, before=before,
           after={"status": initiative.status, "featured": initiative.featured, "comment": event.comment},
           space_id=initiative.space_id)
    _notify(initiative, act_name, actor, event.comment)
    db.session.commit()
    return event


def _open_discussion(initiative, actor):
    """Give the published initiative its comment thread in the forums, once."""
    if initiative.thread_id is not None:
        return
    thread = create_discussion(initiative.space, initiative.title, actor, initiative.lang, initiative.path)
    initiative.thread_id = thread.id


def _notify(initiative, act_name, actor, comment):
    url = initiative.path
    data = {"title": initiative.title, "actor": actor.name, "comment": comment}
    if act_name == "submit":
        for moderator in space_moderators(initiative.space):
            if moderator.id != actor.id:
                notify(moderator, "initiative.submitted", url=url, space=initiative.space, **data)
        return
    for author in initiative.authors:
        if author.id != actor.id:
            notify(author, f"initiative.{act_name}", url=url, space=initiative.space, **data)


def space_moderators(space):
    return people_with_role(space, SpaceRole.MODERATOR)


def timeline(initiative):
    """Stage changes and curation acts merged, newest first, for the initiative page."""
    items = [("stage", c.created_at, c) for c in initiative.stage_changes]
    items += [("review", e.created_at, e) for e in initiative.reviews]
    return sorted(items, key=lambda item: item[1], reverse=True)
