"""The live room's questions: asking, up-voting, marking answered or highlighted, and listing them."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.permissions import can_see_held_in_room, unheld_in_room
from sociallab.workshops.models import Question, QuestionVote
from sociallab.workshops.room_checks import (
    MAX_QUESTION,
    Forbidden,
    RoomError,
    check_client_id,
    check_facilitator,
    check_live,
    check_participant,
    check_text,
    held_audience,
    parse_id,
)
from sociallab.workshops.room_log import append_event, commit_and_broadcast, next_seq, person_payload


def ask_question(workshop, user, body, client_id=None):
    check_participant(workshop, user)
    client_id = check_client_id(client_id)
    if client_id is not None:
        existing = db.session.scalar(db.select(Question).where(
            Question.workshop_id == workshop.id, Question.author_id == user.id, Question.client_id == client_id))
        if existing is not None:
            return None
    check_live(workshop)
    body = check_text(body, MAX_QUESTION, _l("The question"))
    seq = next_seq(workshop)
    question = Question(workshop_id=workshop.id, author_id=user.id, body=body, client_id=client_id,
                        created_at=utcnow(), event_seq=seq)
    db.session.add(question)
    # Checked by safeguarding here: redacted or held as the asker decided, else refused.
    db.session.flush()
    event = append_event(workshop, "question.asked", user, seq=seq, **question_payload(question, user),
                         client_id=client_id)
    return commit_and_broadcast(event, audience=held_audience(workshop, question) if question.sensitive else ())


def question_payload(question, author=None):
    """A question as events carry it; "held" when only some people may receive it."""
    data = {"id": question.id, "author": person_payload(author or question.author), "body": question.body,
            "votes": question.votes or 0, "answered": bool(question.answered),
            "highlighted": bool(question.highlighted)}
    if question.sensitive:
        data["held"] = True
    return data


def question_in_room(workshop, question_id, user):
    """A question of this room that `user` may see (a held one only to those who may), else a refusal."""
    question = db.session.get(Question, parse_id(question_id))
    if question is None or question.workshop_id != workshop.id or not can_see_held_in_room(workshop, question, user):
        raise RoomError(_("This question is not in this room."))
    return question


def vote_question(workshop, user, question_id):
    """One up-vote per person and question, and never for one's own question."""
    check_participant(workshop, user)
    check_live(workshop)
    question = question_in_room(workshop, question_id, user)
    if question.author_id == user.id:
        raise Forbidden(_("You cannot up-vote your own question."))
    db.session.add(QuestionVote(question_id=question.id, user_id=user.id))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise RoomError(_("You have already up-voted this question.")) from None
    db.session.execute(update(Question).where(Question.id == question.id)
                       .values(votes=Question.votes + 1).execution_options(synchronize_session=False))
    votes = db.session.scalar(db.select(Question.votes).where(Question.id == question.id))
    return commit_and_broadcast(append_event(workshop, "question.voted", user, id=question.id, votes=votes))


def mark_question(workshop, user, question_id, answered=None, highlighted=None):
    check_facilitator(workshop, user)
    question = question_in_room(workshop, question_id, user)
    if answered is not None:
        question.answered = bool(answered)
    if highlighted is not None:
        question.highlighted = bool(highlighted)
    return commit_and_broadcast(append_event(workshop, "question.marked", user, id=question.id,
                                               answered=question.answered, highlighted=question.highlighted))


def questions(workshop, user=None):
    """The questions `user` (by default the person asking) may see, by votes, then by who asked first."""
    return db.session.scalars(db.select(Question).where(Question.workshop_id == workshop.id,
                                                        unheld_in_room(Question, workshop, user))
                              .options(selectinload(Question.author))
                              .order_by(Question.votes.desc(), Question.created_at, Question.id)).all()


def voted_question_ids(workshop, user):
    return set(db.session.scalars(db.select(QuestionVote.question_id).join(Question).where(
        Question.workshop_id == workshop.id, QuestionVote.user_id == user.id)))
