"""Volunteer mandates as people see them: the one running or next, and those that end soon."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_login import current_user
from sqlalchemy.orm import joinedload

from sociallab.accounts.models import User, VolunteerMandate
from sociallab.extensions import db
from sociallab.spaces.models import Organisation

# A month's notice: time for the partner and IBCR to extend the mandate or plan the hand-over.
ENDING_SOON_DAYS = 30


@dataclass(frozen=True)
class MandateView:
    """A mandate with what a reader needs to know of it today."""
    mandate: VolunteerMandate
    state: str  # "upcoming", "running" or "ended"
    days_left: int  # until its last day, 0 on the last day (negative once ended)

    @property
    def ends_soon(self):
        return self.state == "running" and self.days_left <= ENDING_SOON_DAYS


def view_of(mandate, today=None):
    today = today or date.today()
    if today < mandate.start_date:
        state = "upcoming"
    elif today <= mandate.end_date:
        state = "running"
    else:
        state = "ended"
    return MandateView(mandate, state, (mandate.end_date - today).days)


def mandates_ahead(user, today=None):
    """The person's running and upcoming mandates, soonest first (ended ones are history)."""
    views = [view_of(m, today) for m in getattr(user, "mandates", None) or ()]
    return sorted((v for v in views if v.state != "ended"), key=lambda v: v.mandate.start_date)


def ending_soon(today=None, organisation_id=None):
    """Running mandates whose last day is within ENDING_SOON_DAYS, soonest end first."""
    today = today or date.today()
    query = (db.select(VolunteerMandate)
             .options(joinedload(VolunteerMandate.user),
                      joinedload(VolunteerMandate.organisation).joinedload(Organisation.country))
             .join(User, VolunteerMandate.user_id == User.id)
             .where(VolunteerMandate.start_date <= today, VolunteerMandate.end_date >= today,
                    VolunteerMandate.end_date <= today + timedelta(days=ENDING_SOON_DAYS),
                    User.active.is_(True))
             .order_by(VolunteerMandate.end_date, User.name))
    if organisation_id is not None:
        query = query.where(VolunteerMandate.organisation_id == organisation_id)
    return [view_of(m, today) for m in db.session.scalars(query)]


def my_running_mandate():
    """The signed-in volunteer's running mandate as a MandateView, else None (space pages)."""
    if not current_user.is_authenticated:
        return None
    mandate = current_user.running_mandate()
    return view_of(mandate) if mandate is not None else None


def init_app(app):
    """The space pages remind a volunteer of their mandate (called by accounts.init_app)."""
    from sociallab import spaces

    app.add_template_global(my_running_mandate)
    app.add_template_global(ENDING_SOON_DAYS, "MANDATE_ENDING_SOON_DAYS")
    spaces.add_section(app, "accounts/_mandate_section.html", order=1)
