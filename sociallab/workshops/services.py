"""Scheduling workshops, registration and reminders."""
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from sociallab import permissions
from sociallab.accounts.models import SpaceRole
from sociallab.audit.services import record as audit
from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.notifications.services import notify
from sociallab.workshops.models import Registration, Workshop
from sociallab.workshops.notifications import REMINDER, SCHEDULED_NOTICE

FIELDS = ("title", "description", "agenda", "lang", "starts_at", "ends_at", "video_url", "capacity")


class WorkshopError(ServiceError):
    """A scheduling or registration refused; the message is shown to the person, `status` says how
    (403 for a reader who may not do this, 404 for a non-reader, 409 for a workshop in the wrong state)."""


def local_to_utc(value, zone):
    """A naive date-time typed in `zone` as the naive UTC value we store."""
    return value.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value, zone):
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def facilitator_candidates(space):
    """People who may be named facilitators: those holding the role here or everywhere."""
    return permissions.people_with_role(space, SpaceRole.FACILITATOR)


def check_schedule(space, user):
    """Scheduling in a space: its facilitators (and global ones); 404 for someone who does not read it."""
    if not permissions.can_read_space(space, user):
        raise WorkshopError(_("This space does not exist, or you do not have access to it."), status=404)
    if not permissions.can_facilitate(space, user):
        raise WorkshopError(_("Only the space's facilitators can schedule workshops."), status=403)


def check_update(workshop, user):
    """Changing a workshop: its facilitators, until it has ended; 404 for someone who cannot see it."""
    if not permissions.can_view_workshop(workshop, user):
        raise WorkshopError(_("This workshop does not exist, or you do not have access to it."), status=404)
    if not permissions.can_run_workshop(workshop, user):
        raise WorkshopError(_("Only the workshop's facilitators can change it."), status=403)
    if workshop.is_ended:
        raise WorkshopError(_("An ended workshop can no longer be changed."), status=409)


def schedule_workshop(space, user, facilitators=(), **fields):
    """Create a workshop; the scheduling facilitator is one of its facilitators."""
    check_schedule(space, user)
    workshop = Workshop(space_id=space.id, created_by_id=user.id, **{k: fields[k] for k in FIELDS})
    workshop.space = space
    people = {user.id: user, **{p.id: p for p in facilitators}}
    workshop.facilitators = list(people.values())
    db.session.add(workshop)
    db.session.flush()
    audit(user, "workshop.scheduled", workshop, space_id=space.id)
    for person in workshop.facilitators:
        if person.id != user.id:
            notify(person, SCHEDULED_NOTICE, url=detail_url(workshop), space=space, title=workshop.title)
    db.session.commit()
    return workshop


def update_workshop(workshop, user, facilitators=(), **fields):
    check_update(workshop, user)
    before = {k: str(getattr(workshop, k)) for k in FIELDS}
    old_start = workshop.starts_at
    for key in FIELDS:
        setattr(workshop, key, fields[key])
    if facilitators:
        workshop.facilitators = list({p.id: p for p in facilitators}.values())
    if workshop.starts_at != old_start:
        # A new date deserves a new reminder.
        db.session.execute(db.update(Registration).where(Registration.workshop_id == workshop.id)
                           .values(reminded_at=None))
    # Safeguarding checks the texts when they are flushed (and may redact them): the audit entry
    # keeps what was saved, not what was typed.
    db.session.flush()
    audit(user, "workshop.updated", workshop, before=before, after={k: str(getattr(workshop, k)) for k in FIELDS},
          space_id=workshop.space_id)
    db.session.commit()
    return workshop


def registered_count(workshop):
    return db.session.scalar(db.select(func.count(Registration.id)).where(Registration.workshop_id == workshop.id))


def is_registered(workshop, user):
    return db.session.scalar(db.select(Registration.id).where(
        Registration.workshop_id == workshop.id, Registration.user_id == user.id)) is not None


def register(workshop, user):
    if not permissions.can_view_workshop(workshop, user):
        raise WorkshopError(_("You cannot register for this workshop."), status=404)
    if workshop.is_ended or workshop.ends_at <= utcnow():
        raise WorkshopError(_("This workshop is over."), status=409)
    if is_registered(workshop, user):
        return None
    if workshop.capacity and registered_count(workshop) >= workshop.capacity:
        raise WorkshopError(_("This workshop is full."), status=409)
    registration = Registration(workshop_id=workshop.id, user_id=user.id)
    db.session.add(registration)
    try:
        db.session.commit()
    except IntegrityError:  # a double click landed twice
        db.session.rollback()
        return None
    return registration


def unregister(workshop, user):
    db.session.execute(db.delete(Registration).where(
        Registration.workshop_id == workshop.id, Registration.user_id == user.id))
    db.session.commit()


def _over(now):
    return db.or_(Workshop.status == Workshop.ENDED,
                  db.and_(Workshop.status == Workshop.SCHEDULED, Workshop.ends_at < now))


def upcoming_in(space_ids, limit, now=None):
    """What is coming in these spaces, soonest first, in one query (the header's workshops)."""
    return db.session.scalars(
        db.select(Workshop).where(Workshop.space_id.in_(sorted(space_ids)), db.not_(_over(now or utcnow())))
        .options(selectinload(Workshop.space)).order_by(Workshop.starts_at).limit(limit)).all()


def workshops_of(space, upcoming=True, limit=None, now=None):
    """Upcoming (not ended, soonest first) or past (ended or over, latest first) workshops."""
    now = now or utcnow()
    query = db.select(Workshop).where(Workshop.space_id == space.id).options(selectinload(Workshop.facilitators))
    over = _over(now)
    if upcoming:
        query = query.where(db.not_(over)).order_by(Workshop.starts_at)
    else:
        query = query.where(over).order_by(Workshop.starts_at.desc())
    if limit:
        query = query.limit(limit)
    return db.session.scalars(query).all()


def registration_counts(workshops):
    ids = [w.id for w in workshops]
    if not ids:
        return {}
    return dict(db.session.execute(db.select(Registration.workshop_id, func.count(Registration.id))
                                   .where(Registration.workshop_id.in_(ids))
                                   .group_by(Registration.workshop_id)).all())


def detail_url(workshop):
    return url_for("workshops.detail", slug=workshop.space.slug, workshop_id=workshop.id)


def send_reminders(now=None):
    """Notify everyone registered for a workshop starting within a day; once per registration."""
    now = now or utcnow()
    due = db.session.scalars(db.select(Registration).join(Workshop).where(
        Workshop.status == Workshop.SCHEDULED, Workshop.starts_at > now,
        Workshop.starts_at <= now + timedelta(days=1), Registration.reminded_at.is_(None))
        .options(selectinload(Registration.user), selectinload(Registration.workshop)
                 .selectinload(Workshop.space))).all()
    sent = 0
    # Run from cron there is no request; url_for still builds the relative paths notifications use.
    with current_app.test_request_context("/"):
        for registration in due:
            workshop, user = registration.workshop, registration.user
            # Someone who has since lost access to the space is not reminded of its workshops.
            if permissions.can_view_workshop(workshop, user):
                notify(user, REMINDER, url=detail_url(workshop), space=workshop.space, title=workshop.title,
                       starts_at=workshop.starts_at.isoformat())
                sent += 1
            registration.reminded_at = now
    db.session.commit()
    return sent
