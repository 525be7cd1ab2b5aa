"""Factories for workshops: one scheduled in the Senegal space by its facilitator, live by default."""
from datetime import timedelta

from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.workshops import services
from sociallab.workshops.models import Workshop


def make_workshop(world, live=True, **fields):
    values = {"title": "Child-friendly hearings", "description": "How to **listen**.",
              "agenda": "1. Welcome\n2. Practice", "lang": "fr", "starts_at": utcnow() - timedelta(minutes=5),
              "ends_at": utcnow() + timedelta(hours=1), "video_url": "", "capacity": None}
    values.update(fields)
    workshop = services.schedule_workshop(world.sn_space, world.facilitator, **values)
    if live:
        workshop.status = Workshop.LIVE
        db.session.commit()
    return workshop
