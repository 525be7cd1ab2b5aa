"""A volunteer sees their mandate (partner, dates) and when it ends; administrators see whose mandate ends soon."""
import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date

from sociallab.accounts import mandates
from sociallab.accounts.models import VolunteerMandate
from sociallab.extensions import db


def _text(response):
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", response.get_data(as_text=True))).replace("&#39;", "'")


def _ends_in(world, days):
    """Vera's running mandate now ends in `days` days."""
    mandate = world.volunteer_in.mandates[0]
    mandate.end_date = date.today() + timedelta(days=days)
    db.session.commit()
    return mandate


def _long(day):
    return format_date(day, "long", locale="en")


def test_the_volunteer_reads_their_mandate_on_their_profile(client, auth, world):
    mandate = world.volunteer_in.mandates[0]
    auth.login(world.volunteer_in.email)
    page = _text(client.get("/account/profile"))
    assert "Your volunteer mandate" in page
    assert (f"Your mandate with {world.sn_org.name} runs from {_long(mandate.start_date)} "
            f"and ends on {_long(mandate.end_date)}.") in page
    assert "Your data" in page, "the privacy section stays"


def test_a_mandate_ending_within_30_days_is_said_with_the_days_left(client, auth, world):
    mandate = _ends_in(world, 12)
    auth.login(world.volunteer_in.email)
    page = _text(client.get("/account/profile"))
    assert f"Your mandate with {world.sn_org.name} ends on {_long(mandate.end_date)}, in 12 days." in page
    assert "speak to IBCR to extend it" in page


def test_an_upcoming_mandate_is_shown_and_an_ended_one_is_not(client, auth, world):
    auth.login(world.volunteer_out.email)
    assert "Your volunteer mandate" not in _text(client.get("/account/profile"))
    start = date.today() + timedelta(days=20)
    db.session.add(VolunteerMandate(user=world.volunteer_out, organisation=world.pe_org, start_date=start,
                                    end_date=start + timedelta(days=270)))
    db.session.commit()
    page = _text(client.get("/account/profile"))
    assert f"Your mandate with {world.pe_org.name} starts on {_long(start)}" in page


def test_members_without_a_mandate_see_no_mandate_section(client, auth, world):
    auth.login(world.member.email)
    page = client.get("/account/profile").get_data(as_text=True)
    assert 'id="your-mandate"' not in page


@pytest.fixture
def admin_client(client, auth, world):
    auth.login(world.admin.email)
    return client


def test_administrators_see_whose_mandate_ends_soon(admin_client, world):
    _ends_in(world, 5)
    page = _text(admin_client.get("/admin/mandates"))
    soon = page.split("Ending within 30 days")[1].split("Volunteer Partner organisation")[0]
    assert "Vera Volunteer" in soon and "in 5 days" in soon
    assert "Otto Formervolunteer" not in soon

    people = _text(admin_client.get("/admin/people?q=Vera"))
    assert f"Volunteer with {world.sn_org.label} until" in people and "ends soon" in people

    person = _text(admin_client.get(f"/admin/people/{world.volunteer_in.id}"))
    assert "ends in 5 days" in person

    organisation = _text(admin_client.get(f"/admin/organisations/{world.sn_org.id}"))
    assert "Volunteers in mandate" in organisation
    assert "Vera Volunteer" in organisation and "ends in 5 days" in organisation
    assert "Otto Formervolunteer" not in organisation


def test_a_mandate_far_from_its_end_is_not_listed_as_ending(admin_client, world):
    page = _text(admin_client.get("/admin/mandates"))
    assert "No mandate ends in the coming days." in page
    assert "ends in" not in _text(admin_client.get(f"/admin/organisations/{world.sn_org.id}"))


def test_the_space_page_reminds_the_volunteer_of_the_mandates_end(app, client, auth, world):
    mandates.init_app(app)  # what accounts.init_app does once wired (see the test below)
    mandate = _ends_in(world, 3)
    auth.login(world.volunteer_in.email)
    page = _text(client.get(f"/spaces/{world.sn_space.slug}"))
    assert f"Your mandate with {world.sn_org.name} ends on {_long(mandate.end_date)}, in 3 days." in page
    _ends_in(world, 100)
    page = _text(client.get(f"/spaces/{world.sn_space.slug}"))
    assert f"You take part as a volunteer with {world.sn_org.name} until" in page
    auth.logout()
    auth.login(world.member.email)
    assert "Your mandate" not in _text(client.get(f"/spaces/{world.sn_space.slug}"))


def test_the_space_page_section_is_registered_by_the_accounts_domain(client, auth, world):
    auth.login(world.volunteer_in.email)
    assert "You take part as a volunteer with" in _text(client.get(f"/spaces/{world.sn_space.slug}"))
