"""Access rows for workshops: pages, registration, the calendar file and the live room."""
from datetime import timedelta

from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.workshops import services
from sociallab.workshops.models import Workshop
from tests.access_tables import LOGIN, Row, expect, signed_in_only, space_members

# The Senegal facilitator runs workshops there; the admin may too. The space's other readers get
# 403 (they see the workshop, not its form); people outside the space get 404.
FACILITATORS = expect(403, anonymous=LOGIN, other_member=404, volunteer_out=404, facilitator=200, admin=200)
READERS_POST = space_members(ok=302)


def setup(world):
    world.workshop = services.schedule_workshop(
        world.sn_space, world.facilitator, title="Access workshop", description="", agenda="", lang="fr",
        starts_at=utcnow() - timedelta(minutes=5), ends_at=utcnow() + timedelta(hours=1), video_url="",
        capacity=None)
    world.workshop.status = Workshop.LIVE
    db.session.commit()


def _base(w):
    return f"/spaces/{w.sn_space.slug}/workshops/{w.workshop.id}"


ROWS = [
    Row("workshops.index", lambda w: f"/spaces/{w.sn_space.slug}/workshops", space_members()),
    Row("workshops.schedule", lambda w: f"/spaces/{w.sn_space.slug}/workshops/new", FACILITATORS),
    Row("workshops.schedule", lambda w: f"/spaces/{w.sn_space.slug}/workshops/new",
        expect(403, anonymous=LOGIN, other_member=404, volunteer_out=404, facilitator=400, admin=400),
        method="POST", id="POST workshops.schedule"),
    Row("workshops.detail", _base, space_members()),
    Row("workshops.edit", lambda w: _base(w) + "/edit", FACILITATORS),
    Row("workshops.register", lambda w: _base(w) + "/register", READERS_POST, method="POST"),
    Row("workshops.unregister", lambda w: _base(w) + "/unregister", READERS_POST, method="POST"),
    Row("workshops.calendar", lambda w: _base(w) + "/workshop.ics", space_members()),
    Row("workshops.room_page", lambda w: _base(w) + "/room", space_members()),
    # An empty chat message is refused with 400; people outside the space never reach the room.
    Row("workshops.room_action", lambda w: _base(w) + "/room/chat", space_members(ok=400), method="POST"),
    Row("workshops.room_action", lambda w: _base(w) + "/room/start",
        expect(403, anonymous=LOGIN, other_member=404, volunteer_out=404, facilitator=400, admin=400),
        method="POST", id="POST workshops.room_action start"),
    # The header's upcoming workshops across spaces: everyone signed in, each their own spaces'.
    Row("workshops.upcoming", lambda w: "/workshops", signed_in_only()),
]
