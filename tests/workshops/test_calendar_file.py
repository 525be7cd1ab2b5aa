"""A workshop's calendar file reads back, in any calendar program, as the workshop that was scheduled."""
from datetime import UTC, datetime

from icalendar import Calendar

from sociallab.workshops import services


def _schedule(world, **fields):
    values = {"title": "Child-friendly hearings", "description": "", "agenda": "", "lang": "fr",
              "starts_at": datetime(2031, 3, 10, 15, 0), "ends_at": datetime(2031, 3, 10, 17, 0), "video_url": "",
              "capacity": None, **fields}
    return services.schedule_workshop(world.sn_space, world.facilitator, **values)


def _event(client, auth, world, workshop):
    auth.login(world.member.email)
    response = client.get(f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}/workshop.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert "\r" not in body.replace("\r\n", ""), "a bare carriage return breaks the file's lines"
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    return event


def test_the_calendar_file_reads_back_as_the_workshop(client, auth, world):
    workshop = _schedule(world, video_url="https://meet.example.org/x", title="Écoute, justice; enfants",
                         description="Préparer\\la salle, les chaises; le thé")
    event = _event(client, auth, world, workshop)
    assert event.decoded("dtstart") == datetime(2031, 3, 10, 15, 0, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2031, 3, 10, 17, 0, tzinfo=UTC)
    assert str(event["summary"]) == "Écoute, justice; enfants"
    assert str(event["description"]) == \
        "Préparer\\la salle, les chaises; le thé\n\nAppel vidéo\u202f: https://meet.example.org/x"
    assert str(event["url"]) == f"http://127.0.0.1:5000/spaces/{world.sn_space.slug}/workshops/{workshop.id}"
    assert str(event["location"]) == "https://meet.example.org/x"
    assert str(event["uid"]) == f"workshop-{workshop.id}@127.0.0.1"


def test_a_description_typed_in_a_browser_keeps_its_lines(client, auth, world):
    """Browsers send a text area's line breaks as CR LF; the file must not carry the CR raw."""
    workshop = _schedule(world, description="Première partie\r\nDeuxième partie")
    assert str(_event(client, auth, world, workshop)["description"]) == "Première partie\nDeuxième partie"
