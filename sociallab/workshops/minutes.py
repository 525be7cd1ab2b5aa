"""The minutes of an ended session, written in the workshop's language and kept in the knowledge base."""
from flask import url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from sociallab.extensions import db
from sociallab.knowledge.services import add_resource
from sociallab.safeguarding.screening import REDACT, deciding
from sociallab.workshops.models import Attendance, ChatMessage, Poll, Question
from sociallab.workshops.poll_results import poll_counts


def _quote(text):
    """Plain text inside Markdown: one paragraph, nothing interpreted as a heading or list."""
    return " ".join((text or "").split()).replace("#", "\\#")


def build_minutes(workshop, include_chat=False):
    """The minutes as Markdown: agenda, attendance, notes, questions, poll results (and chat)."""
    attendance = db.session.scalar(db.select(func.count(Attendance.id)).where(
        Attendance.workshop_id == workshop.id))
    # A question or message still held for the moderators (safeguarding) was not seen by the
    # room: the minutes, which every reader of the space sees, leave it out.
    questions = db.session.scalars(db.select(Question).where(Question.workshop_id == workshop.id,
                                                             Question.sensitive.is_(False))
                                   .order_by(Question.votes.desc(), Question.created_at, Question.id)).all()
    polls = db.session.scalars(db.select(Poll).where(Poll.workshop_id == workshop.id)
                               .options(selectinload(Poll.options)).order_by(Poll.id)).all()
    with force_locale(workshop.lang):
        lines = [_("Minutes of the workshop “%(title)s”", title=workshop.title), ""]
        # No time here: stored text cannot show it in each reader's zone. The workshop page says
        # when the session was held, and the resource when it was published, in the reader's zone.
        lines.append(ngettext("%(num)d participant attended.", "%(num)d participants attended.", attendance))
        lines += ["", "## " + _("Agenda"), "", workshop.agenda.strip() or _("No agenda was given."), ""]
        lines += ["## " + _("Notes"), "", workshop.notes.strip() or _("No notes were taken."), ""]
        lines += ["## " + _("Questions"), ""]
        if not questions:
            lines.append(_("No questions were asked."))
        for question in questions:
            state = _("answered") if question.answered else _("not answered")
            votes = ngettext("%(num)d vote", "%(num)d votes", question.votes)
            lines.append(f"- {_quote(question.body)} — {votes}, {state}")
        lines += ["", "## " + _("Polls"), ""]
        if not polls:
            lines.append(_("No polls were run."))
        for poll in polls:
            counts = poll_counts(poll)
            lines.append("**" + _quote(poll.question) + "**")
            lines.append("")
            for option in poll.options:
                lines.append("- " + _quote(option.label) + ": " + str(counts[str(option.id)]))
            lines.append("")
        if include_chat:
            lines += ["## " + _("Chat"), ""]
            messages = db.session.scalars(db.select(ChatMessage).where(
                ChatMessage.workshop_id == workshop.id, ChatMessage.removed_at.is_(None),
                ChatMessage.sensitive.is_(False))
                .options(selectinload(ChatMessage.author)).order_by(ChatMessage.event_seq)).all()
            if not messages:
                lines.append(_("Nobody wrote in the chat."))
            for message in messages:
                lines.append("- **" + _quote(message.author.name) + "**: " + _quote(message.body))
        return _("Minutes: %(title)s", title=workshop.title), "\n".join(lines).strip() + "\n"


def store_minutes(workshop, include_chat=False):
    """Keep the minutes on the workshop and publish them as a resource of its space (searchable).

    They quote texts already checked when they were written; whatever safeguarding still finds
    in them once put together (a name beside an age across two lines, a poll's wording) is
    redacted without asking: nobody wrote the minutes, and ending the session cannot wait.
    Redacting a quoted text later redacts its copy here too (safeguarding.minutes_copies)."""
    title, body = build_minutes(workshop, include_chat)
    with force_locale(workshop.lang):
        summary = _("Minutes of the live workshop “%(title)s”.", title=workshop.title)
    country = workshop.space.country
    with deciding(REDACT):
        workshop.minutes = body
        db.session.flush()
        # A system-made resource (no author): the minutes belong to the space, not to one person.
        # It publishes the minutes as checked (and redacted) on the workshop.
        resource = add_resource(workshop.space, None, "minutes", title, summary, workshop.minutes, workshop.lang,
                                countries=(country.iso2,) if country is not None else ())
        workshop.minutes_resource_id = resource.id
        db.session.flush()
    return resource


def minutes_url(workshop):
    """The knowledge resource holding the minutes, else the workshop page's minutes section."""
    if workshop.minutes_resource_id is not None:
        return url_for("knowledge.resource", resource_id=workshop.minutes_resource_id)
    return url_for("workshops.detail", slug=workshop.space.slug, workshop_id=workshop.id) + "#minutes"
