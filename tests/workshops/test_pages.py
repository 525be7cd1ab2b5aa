"""Scheduling, the lists, registration, reminders and the calendar file, as people use them."""
from datetime import datetime, timedelta

from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.notifications.models import Notification
from sociallab.workshops import services
from sociallab.workshops.models import Registration, Workshop
from tests.conftest import post_form
from tests.factories import make_workshop
from tests.querycount import count_queries


def _schedule_data(world, **overrides):
    data = {"title": "Hearing children in court", "description": "A **practical** session.",
            "agenda": "- Welcome\n- Cases", "lang": "fr", "timezone": "America/Tegucigalpa",
            "starts_at": "2031-03-10T09:00", "ends_at": "2031-03-10T11:00",
            "video_url": "https://meet.example.org/abc", "capacity": "30",
            "facilitators": str(world.facilitator.id)}
    data.update(overrides)
    return data


def test_facilitator_schedules_in_their_zone_and_it_is_stored_in_utc(client, auth, world):
    auth.login(world.facilitator.email)
    url = f"/spaces/{world.sn_space.slug}/workshops/new"
    response = post_form(client, url, _schedule_data(world))
    assert response.status_code == 302
    workshop = db.session.scalar(db.select(Workshop))
    # 09:00 in Honduras (UTC−6) is 15:00 UTC.
    assert workshop.starts_at == datetime(2031, 3, 10, 15, 0)
    assert workshop.ends_at == datetime(2031, 3, 10, 17, 0)
    assert [p.name for p in workshop.facilitators] == ["Fred Facilitator"]


def test_times_are_shown_in_each_readers_zone_with_the_zone_named(client, auth, world):
    workshop = make_workshop(world, live=False, starts_at=datetime(2031, 3, 10, 15, 0),
                             ends_at=datetime(2031, 3, 10, 17, 0))
    auth.login(world.member.email)  # Africa/Dakar, UTC+0
    page = client.get(f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}").get_data(as_text=True)
    assert "15:00" in page and "Africa/Dakar" in page
    world.member.timezone = "Indian/Antananarivo"
    db.session.commit()
    page = client.get(f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}").get_data(as_text=True)
    assert "18:00" in page and "Indian/Antananarivo" in page


def test_schedule_form_refuses_bad_input_and_keeps_it(client, auth, world):
    auth.login(world.facilitator.email)
    url = f"/spaces/{world.sn_space.slug}/workshops/new"
    response = post_form(client, url, _schedule_data(world, video_url="javascript:alert(1)",
                                                     ends_at="2031-03-10T08:00"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Hearing children in court" in page
    assert "The end must come after the start" in page  # Fred reads English
    assert db.session.scalar(db.select(db.func.count(Workshop.id))) == 0
    response = post_form(client, url, _schedule_data(world, video_url="ftp://files.example.org/x"))
    assert response.status_code == 400


def test_changing_the_start_moves_the_reminder(client, auth, world):
    workshop = make_workshop(world, live=False, starts_at=utcnow() + timedelta(hours=3),
                             ends_at=utcnow() + timedelta(hours=4))
    services.register(workshop, world.member)
    services.send_reminders()
    auth.login(world.facilitator.email)
    url = f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}/edit"
    response = post_form(client, url, _schedule_data(world, timezone="UTC", starts_at="2031-05-01T10:00",
                                                     ends_at="2031-05-01T12:00"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Workshop, workshop.id).starts_at == datetime(2031, 5, 1, 10, 0)
    assert db.session.scalar(db.select(Registration.reminded_at)) is None


def test_member_cannot_schedule(client, auth, world):
    """A reader of the space who is no facilitator is refused (403); outside the space, nothing is there (404)."""
    auth.login(world.member.email)
    assert client.get(f"/spaces/{world.sn_space.slug}/workshops/new").status_code == 403
    auth.logout()
    auth.login(world.other_member.email)
    assert client.get(f"/spaces/{world.sn_space.slug}/workshops/new").status_code == 404


def test_lists_show_upcoming_and_past_and_the_space_home_section(client, auth, world):
    make_workshop(world, live=False, title="Next week", starts_at=utcnow() + timedelta(days=7),
                  ends_at=utcnow() + timedelta(days=7, hours=2))
    old = make_workshop(world, live=False, title="Last month", starts_at=utcnow() - timedelta(days=30),
                        ends_at=utcnow() - timedelta(days=30) + timedelta(hours=2))
    old.status = Workshop.ENDED
    db.session.commit()
    auth.login(world.member.email)
    page = client.get(f"/spaces/{world.sn_space.slug}/workshops").get_data(as_text=True)
    upcoming, past = page.split('id="past-title"')
    assert "Next week" in upcoming and "Last month" in past
    home = client.get(f"/spaces/{world.sn_space.slug}").get_data(as_text=True)
    assert "Next week" in home and "Last month" not in home
    other = make_workshop(world, live=False, title="Only Senegal")
    auth.logout()
    auth.login(world.other_member.email)
    assert client.get(f"/spaces/{world.sn_space.slug}/workshops/{other.id}").status_code == 404


def test_workshop_list_query_count_does_not_grow_with_workshops(client, auth, world):
    auth.login(world.member.email)
    url = f"/spaces/{world.sn_space.slug}/workshops"
    make_workshop(world, live=False)
    with count_queries() as few:
        client.get(url)
    for i in range(6):
        make_workshop(world, live=False, title=f"W{i}")
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)


def test_register_unregister_and_capacity(client, auth, world):
    workshop = make_workshop(world, live=False, capacity=1, starts_at=utcnow() + timedelta(days=3),
                             ends_at=utcnow() + timedelta(days=3, hours=1))
    base = f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}"
    auth.login(world.member.email)
    assert post_form(client, base + "/register", {}, page=base).status_code == 302
    assert post_form(client, base + "/register", {}, page=base).status_code == 302  # twice: still one
    assert services.registered_count(workshop) == 1
    auth.logout()
    auth.login(world.member2.email)
    post_form(client, base + "/register", {}, page=base)
    assert "flash-error" in client.get(base).get_data(as_text=True)
    assert services.registered_count(workshop) == 1
    auth.logout()
    auth.login(world.member.email)
    post_form(client, base + "/unregister", {}, page=base)
    assert services.registered_count(workshop) == 0


def test_reminder_command_notifies_once_the_day_before(app, world):
    soon = make_workshop(world, live=False, title="Tomorrow", starts_at=utcnow() + timedelta(hours=20),
                         ends_at=utcnow() + timedelta(hours=22))
    later = make_workshop(world, live=False, title="Next month", starts_at=utcnow() + timedelta(days=30),
                          ends_at=utcnow() + timedelta(days=30, hours=1))
    services.register(soon, world.member)
    services.register(later, world.member)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["sociallab", "send-workshop-reminders"])
    second = runner.invoke(args=["sociallab", "send-workshop-reminders"])
    assert first.output.strip().endswith("1") and second.output.strip().endswith("0")
    reminders = db.session.scalars(db.select(Notification).where(Notification.kind == "workshop.reminder")).all()
    assert [(n.user_id, n.data["title"]) for n in reminders] == [(world.member.id, "Tomorrow")]
    assert db.session.scalar(db.select(Registration).where(
        Registration.workshop_id == later.id)).reminded_at is None


def test_calendar_file_has_the_utc_times_and_the_link(client, auth, world):
    workshop = make_workshop(world, live=False, starts_at=datetime(2031, 3, 10, 15, 0),
                             ends_at=datetime(2031, 3, 10, 17, 0), video_url="https://meet.example.org/x",
                             title="Écoute, justice; enfants")
    auth.login(world.member.email)
    response = client.get(f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}/workshop.ics")
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert "DTSTART:20310310T150000Z" in body and "DTEND:20310310T170000Z" in body
    assert "SUMMARY:Écoute\\, justice\\; enfants" in body
    assert "LOCATION:https://meet.example.org/x" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
