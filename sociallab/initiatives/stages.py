"""The stage machine of an initiative: one table of allowed moves, and the service that applies it.

Forward path: idea → design → pilot → evaluation → adjustment → capitalised or scaled.
Back-moves reflect how experiments really go:
  design → idea         the design showed the idea needs rethinking;
  pilot → design        the pilot revealed a design flaw;
  adjustment → pilot    an adjusted approach is piloted again (the learning loop);
  adjustment → evaluation  the adjustment itself is evaluated;
  capitalised → adjustment  a good practice is revised when new evidence arrives;
  capitalised → scaled  a documented good practice is taken to scale;
  stopped → idea        a stopped initiative is revived from scratch.
Evaluation may conclude directly (capitalised, scaled). "Capitalised" is the team's own stage (its
lessons are documented); a "featured good practice" is the moderators' choice (curation.py) and is
not a stage: the names differ so that a card never reads "Idea · Good practice". Any stage but the terminal "scaled"
and "stopped" itself may be stopped. "scaled" is final.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sociallab.audit.services import record
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.initiatives.checks import InitiativeError, check_change_stage
from sociallab.initiatives.models import StageChange

IDEA, DESIGN, PILOT, EVALUATION, ADJUSTMENT, CAPITALISED, SCALED, STOPPED = (
    "idea", "design", "pilot", "evaluation", "adjustment", "capitalised", "scaled", "stopped")

STAGES = (IDEA, DESIGN, PILOT, EVALUATION, ADJUSTMENT, CAPITALISED, SCALED, STOPPED)

STAGE_LABELS = {
    IDEA: _l("Idea"),
    DESIGN: _l("Design"),
    PILOT: _l("Pilot"),
    EVALUATION: _l("Evaluation"),
    ADJUSTMENT: _l("Adjustment"),
    CAPITALISED: _l("Capitalised"),
    SCALED: _l("Scaled"),
    STOPPED: _l("Stopped"),
}

# What a stage means, where a reader could take it for something else.
STAGE_HINTS = {
    CAPITALISED: _l("Capitalised: the team has documented what it learned so that others can reuse it. "
                    "The team sets this stage; it is not the moderators' choice of a featured good practice."),
}

STAGES_HELP = _l("“Capitalised” means the team has documented its lessons. Being a featured good practice is "
                 "not a stage: the moderators choose it once the initiative is published.")

TRANSITIONS = {
    IDEA: (DESIGN, STOPPED),
    DESIGN: (PILOT, IDEA, STOPPED),
    PILOT: (EVALUATION, DESIGN, STOPPED),
    EVALUATION: (ADJUSTMENT, CAPITALISED, SCALED, STOPPED),
    ADJUSTMENT: (PILOT, EVALUATION, CAPITALISED, SCALED, STOPPED),
    CAPITALISED: (SCALED, ADJUSTMENT, STOPPED),
    SCALED: (),
    STOPPED: (IDEA,),
}


class StageError(InitiativeError):
    """A move the stage machine refuses (400), or a person who may not move it (403, 404)."""


def stage_label(stage):
    return str(STAGE_LABELS.get(stage, stage))


def stage_hint(stage):
    hint = STAGE_HINTS.get(stage)
    return str(hint) if hint is not None else ""


def allowed_moves(stage):
    return TRANSITIONS.get(stage, ())


def check_move(from_stage, to_stage):
    if to_stage not in STAGES:
        raise StageError(_("“%(stage)s” is not a stage.", stage=to_stage))
    if to_stage not in allowed_moves(from_stage):
        allowed = ", ".join(stage_label(s) for s in allowed_moves(from_stage)) or _("none")
        raise StageError(_("An initiative cannot go from “%(from)s” to “%(to)s”. Possible next stages: %(allowed)s.",
                           **{"from": stage_label(from_stage), "to": stage_label(to_stage), "allowed": allowed}))


def change_stage(initiative, to_stage, actor, comment):
    """Move the initiative to `to_stage`, recording who, when and why."""
    check_change_stage(initiative, actor, StageError)
    comment = (comment or "").strip()
    if not comment:
        raise StageError(_("Say in a comment why the initiative changes stage."))
    check_move(initiative.stage, to_stage)
    change = StageChange(initiative=initiative, from_stage=initiative.stage, to_stage=to_stage,
                         comment=comment, actor_id=actor.id, created_at=utcnow())
    db.session.add(change)
    db.session.flush()  # the comment is checked (safeguarding) before the audit entry keeps it
    record(actor, "initiative.stage", initiative, before={"stage": initiative.stage},
           after={"stage": to_stage, "comment": change.comment}, space_id=initiative.space_id)
    initiative.stage = to_stage
    initiative.last_activity_at = change.created_at
    db.session.commit()
    return change
