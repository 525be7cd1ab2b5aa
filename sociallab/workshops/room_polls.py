"""The live room's polls: opening one, voting (again, until it closes), closing it, and their counts."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.workshops.models import Poll, PollOption, PollVote
from sociallab.workshops.poll_results import poll_counts, poll_voters
from sociallab.workshops.room_checks import (
    MAX_POLL_OPTION,
    MAX_POLL_OPTIONS,
    MAX_POLL_QUESTION,
    RoomError,
    check_facilitator,
    check_live,
    check_participant,
    check_text,
    parse_id,
)
from sociallab.workshops.room_log import append_event, commit_and_broadcast


def open_poll(workshop, user, question, options, multiple=False):
    check_facilitator(workshop, user)
    check_live(workshop)
    question = check_text(question, MAX_POLL_QUESTION, _l("The poll question"))
    labels = [o.strip() for o in (options or []) if isinstance(o, str) and o.strip()]
    if len(labels) < 2:
        raise RoomError(_("A poll needs at least two options."))
    if len(labels) > MAX_POLL_OPTIONS:
        raise RoomError(ngettext("A poll has at most %(num)d option.", "A poll has at most %(num)d options.",
                                 MAX_POLL_OPTIONS))
    labels = [check_text(label, MAX_POLL_OPTION, _l("An option")) for label in labels]
    poll = Poll(workshop_id=workshop.id, question=question, multiple=bool(multiple), created_by_id=user.id,
                options=[PollOption(label=label, position=i) for i, label in enumerate(labels)])
    db.session.add(poll)
    db.session.flush()
    return commit_and_broadcast(append_event(workshop, "poll.opened", user, **poll_state(poll)))


def _poll(workshop, poll_id):
    poll = db.session.get(Poll, parse_id(poll_id))
    if poll is None or poll.workshop_id != workshop.id:
        raise RoomError(_("This poll is not in this room."))
    return poll


def vote_poll(workshop, user, poll_id, option_ids):
    """Record the person's choice; voting again replaces it until the poll closes."""
    check_participant(workshop, user)
    check_live(workshop)
    poll = _poll(workshop, poll_id)
    if not poll.is_open:
        raise RoomError(_("This poll is closed."))
    if not isinstance(option_ids, (list, tuple)):
        option_ids = [option_ids]
    chosen = {parse_id(o) for o in option_ids} - {None}
    valid = {o.id for o in poll.options}
    if not chosen or not chosen <= valid:
        raise RoomError(_("Choose one of the options."))
    if not poll.multiple and len(chosen) > 1:
        raise RoomError(_("This poll takes a single choice."))
    db.session.execute(db.delete(PollVote).where(PollVote.poll_id == poll.id, PollVote.user_id == user.id))
    db.session.add_all(PollVote(poll_id=poll.id, option_id=o, user_id=user.id) for o in sorted(chosen))
    db.session.flush()
    return commit_and_broadcast(append_event(workshop, "poll.voted", None, id=poll.id,
                                               counts=poll_counts(poll), voters=poll_voters(poll)))


def close_poll(workshop, user, poll_id):
    check_facilitator(workshop, user)
    poll = _poll(workshop, poll_id)
    if not poll.is_open:
        raise RoomError(_("This poll is closed."))
    poll.closed_at = utcnow()
    return commit_and_broadcast(append_event(workshop, "poll.closed", user, id=poll.id,
                                               counts=poll_counts(poll), voters=poll_voters(poll)))


def poll_counts_of(workshop, polls):
    """poll_counts for every poll of the room in one query (the room page shows them all)."""
    rows = db.session.execute(db.select(PollVote.poll_id, PollVote.option_id, func.count(PollVote.id))
                              .join(Poll).where(Poll.workshop_id == workshop.id)
                              .group_by(PollVote.poll_id, PollVote.option_id)).all()
    counts = {(poll_id, option_id): n for poll_id, option_id, n in rows}
    return {p.id: {str(o.id): counts.get((p.id, o.id), 0) for o in p.options} for p in polls}


def poll_state(poll):
    return {"id": poll.id, "question": poll.question, "multiple": poll.multiple, "open": poll.is_open,
            "options": [{"id": o.id, "label": o.label} for o in poll.options],
            "counts": poll_counts(poll), "voters": poll_voters(poll)}


def polls(workshop):
    return db.session.scalars(db.select(Poll).where(Poll.workshop_id == workshop.id)
                              .options(selectinload(Poll.options)).order_by(Poll.id.desc())).all()


def my_poll_choices(workshop, user):
    rows = db.session.execute(db.select(PollVote.poll_id, PollVote.option_id).join(Poll).where(
        Poll.workshop_id == workshop.id, PollVote.user_id == user.id)).all()
    choices = {}
    for poll_id, option_id in rows:
        choices.setdefault(poll_id, set()).add(option_id)
    return choices
