"""The personal-data pages as people use them: CSRF forms, a ZIP download, a request shown and cancelled."""
import io
import zipfile

from sociallab.accounts.models import User
from sociallab.extensions import db
from tests.conftest import csrf_token_from, post_form
from tests.factories import PASSWORD


def test_profile_links_to_the_data_pages(client, auth, world):
    auth.login(world.member.email)
    page = client.get("/account/profile").get_data(as_text=True)
    assert 'href="/account/data"' in page and 'href="/account/delete"' in page


def test_anonymous_people_are_sent_to_sign_in(app, client, world):
    app.config["WTF_CSRF_ENABLED"] = False  # otherwise the missing token answers first
    for method, url in (("GET", "/account/data"), ("POST", "/account/data"), ("GET", "/account/delete"),
                        ("POST", "/account/delete"), ("POST", "/account/delete/cancel"),
                        ("GET", "/admin/deletion-requests"),
                        ("POST", f"/admin/deletion-requests/{world.member.id}/complete")):
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)


def test_download_is_a_zip_of_the_signed_in_person_only(client, auth, world):
    auth.login(world.member.email)
    response = post_form(client, "/account/data", {"user_id": world.member2.id})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert world.member.email in archive.read("accounts/account.json").decode()
    assert world.member2.email not in archive.read("accounts/account.json").decode()


def test_download_needs_the_form_token(client, auth, world):
    auth.login(world.member.email)
    assert client.post("/account/data").status_code == 400


def test_request_shows_its_date_and_can_be_cancelled(client, auth, world):
    auth.login(world.member.email)
    wrong = post_form(client, "/account/delete", {"password": "not my password"})
    assert wrong.status_code == 400 and db.session.get(User, world.member.id).deletion_requested_at is None
    assert post_form(client, "/account/delete", {"password": PASSWORD}).status_code == 302
    assert db.session.get(User, world.member.id).deletion_requested_at is not None
    page = client.get("/account/delete").get_data(as_text=True)
    assert "/account/delete/cancel" in page
    profile = client.get("/account/profile").get_data(as_text=True)
    assert "demand" in profile or "requested on" in profile
    token = csrf_token_from(page)
    assert client.post("/account/delete/cancel", data={"csrf_token": token}).status_code == 302
    assert db.session.get(User, world.member.id).deletion_requested_at is None


def test_admin_page_lists_requests_and_completes_them(client, auth, world):
    auth.login(world.member2.email)
    post_form(client, "/account/delete", {"password": PASSWORD})
    auth.logout()
    auth.login(world.admin.email)
    page = client.get("/admin/deletion-requests").get_data(as_text=True)
    assert world.member2.email in page and "/complete" in page
    assert 'href="/admin/deletion-requests"' in page  # in the administration's navigation
    response = client.post(f"/admin/deletion-requests/{world.member2.id}/complete",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert db.session.get(User, world.member2.id).deleted_at is not None
    assert world.member2.email not in client.get("/admin/deletion-requests").get_data(as_text=True)


def test_non_administrators_get_404_on_the_admin_pages(client, auth, world):
    world.member2.deletion_requested_at = db.func.now()
    db.session.commit()
    for person in (world.member, world.moderator, world.facilitator):
        auth.login(person.email)
        assert client.get("/admin/deletion-requests").status_code == 404
        token = auth.csrf()
        assert client.post(f"/admin/deletion-requests/{world.member2.id}/complete",
                           data={"csrf_token": token}).status_code == 404
        auth.logout()
    assert db.session.get(User, world.member2.id).deleted_at is None


def test_completing_a_person_without_a_request_is_404(client, auth, world):
    auth.login(world.admin.email)
    token = auth.csrf()
    assert client.post(f"/admin/deletion-requests/{world.member.id}/complete",
                       data={"csrf_token": token}).status_code == 404
