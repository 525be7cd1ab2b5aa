"""People, volunteer mandates and space roles managed by administrators."""
from datetime import date, timedelta

from sociallab.accounts.models import SpaceRole, VolunteerMandate
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from tests import factories
from tests.conftest import Auth, post_form


def _latest(action):
    return db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == action)
                             .order_by(AuditEntry.id.desc()))


def test_deactivating_a_person_signs_them_out_everywhere(app, admin_client, world):
    phone, laptop = app.test_client(), app.test_client()
    Auth(phone).login(world.member.email)
    Auth(laptop).login(world.member.email)
    assert phone.get("/spaces").status_code == 200
    response = post_form(admin_client, f"/admin/people/{world.member.id}", {
        "organisation_id": world.sn_org.id})
    assert response.status_code == 302
    for device in (phone, laptop):
        answer = device.get("/spaces")
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert Auth(app.test_client()).login(world.member.email).status_code == 200, "the password no longer opens"
    entry = _latest("person.update")
    assert entry.before == {"active": True} and entry.after == {"active": False}
    assert entry.target_id == world.member.id and entry.actor_id == world.admin.id


def test_an_administrator_cannot_deactivate_themselves(admin_client, world):
    response = post_form(admin_client, f"/admin/people/{world.admin.id}", {"organisation_id": "0", "is_admin": "y"})
    assert response.status_code == 400
    db.session.refresh(world.admin)
    assert world.admin.active


def test_changing_a_persons_organisation_and_admin_flag_is_audited(admin_client, world):
    previous = world.member2.organisation_id
    response = post_form(admin_client, f"/admin/people/{world.member2.id}", {
        "organisation_id": world.pe_org.id, "is_admin": "y", "active": "y"})
    assert response.status_code == 302
    entry = _latest("person.update")
    assert entry.before == {"organisation_id": previous, "is_admin": False}
    assert entry.after == {"organisation_id": world.pe_org.id, "is_admin": True}


def test_people_are_found_by_name_email_and_organisation_and_paginated(admin_client, world):
    for n in range(30):
        factories.user(f"colleague{n:02d}@example.org", world.pe_org, name=f"Colleague {n:02d}")
    db.session.commit()
    html = admin_client.get("/admin/people?q=Lucía").get_data(as_text=True)
    assert world.other_member.email in html and world.member.email not in html
    html = admin_client.get("/admin/people?q=member2.sn@").get_data(as_text=True)
    assert world.member2.name in html and "1 person" in html
    first = admin_client.get(f"/admin/people?organisation={world.pe_org.id}").get_data(as_text=True)
    assert "31 people" in first and "Colleague 00" in first and world.member.email not in first
    assert "Page 1 of 2" in first
    second = admin_client.get(f"/admin/people?organisation={world.pe_org.id}&page=2").get_data(as_text=True)
    assert "Colleague 29" in second and "Colleague 00" not in second
    assert admin_client.get("/admin/people?page=999&organisation=abc").status_code == 200


def test_people_list_query_count_does_not_grow_with_people(admin_client, world):
    from tests.querycount import count_queries

    def add_people(count):
        for n in range(count):
            person = factories.user(None, world.pe_org, name=f"Aa {n:02d}")
            factories.role(person, SpaceRole.MODERATOR, world.pe_space)
            factories.mandate(person, world.pe_org)
        db.session.commit()

    add_people(2)
    with count_queries() as few:
        admin_client.get("/admin/people")
    add_people(20)
    with count_queries() as many:
        admin_client.get("/admin/people")
    assert len(many) == len(few)


def test_a_volunteer_mandate_gives_rights_while_it_runs(app, admin_client, world):
    volunteer = factories.user("new.volunteer@example.org", None, name="Nina Volunteer")
    db.session.commit()
    today = date.today()
    response = post_form(admin_client, "/admin/mandates/new", {
        "user_id": volunteer.id, "organisation_id": world.pe_org.id,
        "start_date": (today - timedelta(days=1)).isoformat(), "end_date": (today + timedelta(days=300)).isoformat(),
        "specialty": "gender-equality"})
    assert response.status_code == 302
    mandate = db.session.scalar(db.select(VolunteerMandate).where(VolunteerMandate.user_id == volunteer.id))
    assert _latest("mandate.create").after["specialty"] == "gender-equality"
    client = app.test_client()
    Auth(client).login(volunteer.email)
    assert client.get(f"/spaces/{world.pe_space.slug}").status_code == 200
    response = post_form(admin_client, f"/admin/mandates/{mandate.id}", {
        "user_id": volunteer.id, "organisation_id": world.pe_org.id,
        "start_date": (today - timedelta(days=300)).isoformat(), "end_date": (today - timedelta(days=1)).isoformat(),
        "specialty": "gender-equality"})
    assert response.status_code == 302
    entry = _latest("mandate.update")
    assert set(entry.before) == {"start_date", "end_date"} and entry.after["end_date"] == (
        today - timedelta(days=1)).isoformat()
    assert client.get(f"/spaces/{world.pe_space.slug}").status_code == 404


def test_a_mandate_must_end_after_it_starts(admin_client, world):
    response = post_form(admin_client, "/admin/mandates/new", {
        "user_id": world.volunteer_out.id, "organisation_id": world.pe_org.id,
        "start_date": "2026-05-01", "end_date": "2026-04-01", "specialty": "rights"})
    assert response.status_code == 400
    assert "The end must come after the start." in response.get_data(as_text=True)
    assert admin_client.post("/admin/mandates/new", data={"start_date": "not a date"}).status_code == 400


def test_space_roles_are_given_and_removed_with_audit(app, admin_client, world):
    client = app.test_client()
    Auth(client).login(world.other_member.email)
    assert client.get(f"/spaces/{world.sn_space.slug}").status_code == 404
    response = post_form(admin_client, "/admin/roles", {
        "user_id": world.other_member.id, "role": "moderator", "space_id": world.sn_space.id})
    assert response.status_code == 302
    role = db.session.scalar(db.select(SpaceRole).where(SpaceRole.user_id == world.other_member.id))
    added = _latest("space_role.add")
    assert added.after == {"user_id": world.other_member.id, "space_id": world.sn_space.id, "role": "moderator"}
    assert client.get(f"/spaces/{world.sn_space.slug}").status_code == 200
    again = post_form(admin_client, "/admin/roles", {
        "user_id": world.other_member.id, "role": "moderator", "space_id": world.sn_space.id})
    assert again.status_code == 400 and "already has this role" in again.get_data(as_text=True)
    response = post_form(admin_client, f"/admin/roles/{role.id}/remove", {}, page="/admin/roles")
    assert response.status_code == 302
    removed = _latest("space_role.remove")
    assert removed.before["role"] == "moderator" and removed.after is None
    assert client.get(f"/spaces/{world.sn_space.slug}").status_code == 404


def test_a_global_role_applies_to_every_space(admin_client, world):
    response = post_form(admin_client, "/admin/roles", {
        "user_id": world.member2.id, "role": "facilitator", "space_id": "0"})
    assert response.status_code == 302
    role = db.session.scalar(db.select(SpaceRole).where(SpaceRole.user_id == world.member2.id))
    assert role.space_id is None
    assert "every space" in admin_client.get("/admin/roles").get_data(as_text=True)


def test_a_focal_point_who_moves_to_another_organisation_stops_being_its_focal_point(admin_client, world):
    response = post_form(admin_client, f"/admin/people/{world.member.id}", {
        "organisation_id": world.member2.organisation_id, "active": "y"})
    assert response.status_code == 302
    db.session.refresh(world.sn_org)
    assert world.sn_org.focal_point_id is None
    entry = _latest("organisation.update")
    assert entry.target_id == world.sn_org.id and entry.before == {"focal_point_id": world.member.id}
