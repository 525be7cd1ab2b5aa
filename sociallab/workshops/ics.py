"""A workshop as a calendar file (.ics), built by the icalendar package (it escapes and folds)."""
from datetime import UTC
from urllib.parse import urlsplit

from flask_babel import gettext as _
from icalendar import Calendar, Event

from sociallab.i18n import utcnow
from sociallab.mail import site_url_for


def _utc(value):
    """Stored times are naive UTC; the file says so (…Z), whatever the reader's time zone."""
    return value.replace(tzinfo=UTC)


def ics_calendar(workshop):
    """The workshop as an iCalendar text (RFC 5545), its link built from SITE_URL."""
    url = site_url_for("workshops.detail", slug=workshop.space.slug, workshop_id=workshop.id)
    description = workshop.description.strip()
    if workshop.video_url:
        description += "\n\n" + _("Video call: %(url)s", url=workshop.video_url)

    event = Event()
    event.add("uid", f"workshop-{workshop.id}@{urlsplit(url).hostname}")
    event.add("dtstamp", _utc(utcnow().replace(microsecond=0)))
    event.add("dtstart", _utc(workshop.starts_at))
    event.add("dtend", _utc(workshop.ends_at))
    event.add("summary", workshop.title)
    event.add("description", description)
    event.add("url", url)
    event.add("location", workshop.video_url or url)

    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//IBCR//Sociallab//EN")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
