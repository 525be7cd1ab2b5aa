"""The audit log page: who did what, when, with the values before and after."""
from sociallab.audit.services import record
from sociallab.extensions import db
from tests import factories
from tests.conftest import post_form
from tests.querycount import count_queries


def test_audit_log_shows_who_what_when_and_before_after(admin_client, world):
    post_form(admin_client, f"/admin/people/{world.member2.id}", {
        "organisation_id": world.member2.organisation_id})
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Person changed" in html and world.admin.name in html
    assert "<del>yes</del>" in html and "<ins>no</ins>" in html
    assert world.member2.name in html, "the target is named"
    assert "(UTC)" in html, "the time is shown with its zone"


def test_audit_log_filters_by_action_and_by_actor(admin_client, world):
    record(world.member, "theme.update", world.sn_org, before={"x": 1}, after={"x": 2})
    record(world.admin, "region.update", world.sn_org, before={"y": "old-value"}, after={"y": "new-value"})
    db.session.commit()
    by_action = admin_client.get("/admin/audit?action=region.update").get_data(as_text=True)
    assert "new-value" in by_action and "Theme changed</td>" not in by_action
    by_actor = admin_client.get(f"/admin/audit?actor={world.member.id}").get_data(as_text=True)
    assert "Theme changed" in by_actor and "new-value" not in by_actor


def test_audit_log_is_paginated(admin_client, world):
    for n in range(60):
        record(world.admin, "theme.update", world.sn_org, before={"n": n}, after={"n": n + 1})
    db.session.commit()
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Page 1 of 2" in html
    assert admin_client.get("/admin/audit?page=2").status_code == 200


def test_audit_page_query_count_does_not_grow_with_entries(admin_client, world):
    def add_entries(count):
        for n in range(count):
            actor = factories.user(None, world.sn_org)
            record(actor, "organisation.update", world.sn_org, before={"n": n}, after={"n": n + 1})
        db.session.commit()

    add_entries(2)
    with count_queries() as few:
        assert admin_client.get("/admin/audit").status_code == 200
    add_entries(40)
    with count_queries() as many:
        assert admin_client.get("/admin/audit").status_code == 200
    assert len(many) == len(few)


def test_dashboard_query_count_does_not_grow_with_the_structure(admin_client, world):
    db.session.expire_all()  # as after the commit below, so both requests load the same
    with count_queries() as few:
        admin_client.get("/admin/")
    for n in range(10):
        factories.organisation(world.pe_org.country if n % 2 else world.sn_org.country, name=f"Extra {n}")
    db.session.commit()
    with count_queries() as many:
        admin_client.get("/admin/")
    assert len(many) == len(few)
