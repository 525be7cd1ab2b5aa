"""Signing in and out, sessions, invitations, passwords and profiles."""
from datetime import timedelta

from sociallab.accounts import services
from sociallab.accounts.models import Invitation, User
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.mail import outbox
from tests.conftest import csrf_token_from, post_form


def test_sign_in_shows_my_spaces(client, auth, member):
    response = auth.login(member.email, follow=True)
    html = response.get_data(as_text=True)
    assert "Sénégal" in html and "Afrique subsaharienne" in html and "International" in html
    assert "Pérou" not in html


def test_wrong_password_is_refused_with_a_message(client, auth, member):
    response = auth.login(member.email, password="wrong-password")
    assert response.status_code == 200
    assert "pas correct" in response.get_data(as_text=True)


def test_sixth_failed_sign_in_within_a_minute_gets_429(client, auth, member):
    for _ in range(5):
        assert auth.login(member.email, password="nope-nope-nope").status_code == 200
    response = auth.login(member.email, password="nope-nope-nope")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)


def test_failed_tries_on_other_addresses_from_one_place_are_limited_too(client, auth, world):
    for n in range(5):
        auth.login(f"nobody{n}@example.org", password="nope-nope-nope")
    assert auth.login("someone-else@example.org", password="nope-nope-nope").status_code == 429


def test_cookie_copied_before_sign_out_no_longer_works(app, client, auth, member):
    auth.login(member.email)
    copied = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/spaces")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_session_cookie_changes_at_sign_in(client, auth, member):
    client.get("/login")
    before = client.get_cookie("session").value
    auth.login(member.email)
    assert client.get_cookie("session").value != before


def test_changing_password_ends_other_sessions(app, client, auth, member):
    other = app.test_client()
    from tests.conftest import Auth
    Auth(other).login(member.email)
    auth.login(member.email)
    response = post_form(client, "/account/password", {
        "current_password": "sociallab-demo", "password": "a-new-long-password", "confirm": "a-new-long-password"})
    assert response.status_code == 302
    assert client.get("/spaces").status_code == 200, "the session that changed it stays signed in"
    assert other.get("/spaces").status_code == 302


def test_deactivated_account_is_signed_out_everywhere(client, auth, member):
    auth.login(member.email)
    member.active = False
    member.end_all_sessions()
    db.session.commit()
    assert client.get("/spaces").status_code == 302


def test_form_without_csrf_token_is_refused_with_400(client, auth, member):
    auth.login(member.email)
    response = client.post("/account/profile", data={"name": "X", "language": "en", "timezone": "UTC"})
    assert response.status_code == 400


def test_expired_form_keeps_what_was_typed(client, auth, member):
    auth.login(member.email)
    response = client.post("/account/profile", data={"name": "Un texte important", "language": "en",
                                                     "timezone": "UTC"})
    assert response.status_code == 400
    assert "Un texte important" in response.get_data(as_text=True)


def _invite(world, email="new.person@example.org"):
    invitation, token = services.invite(world.admin, email, world.sn_org, language="fr")
    db.session.commit()
    return invitation, token


def test_invitation_creates_an_account_once(client, world):
    _invitation, token = _invite(world)
    url = f"/invitation/{token}"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "name": "Nouvelle Personne",
        "password": "long-enough-pw", "confirm": "long-enough-pw", "language": "es", "timezone": "Africa/Dakar"})
    assert response.status_code == 302
    person = db.session.scalar(db.select(User).where(User.email == "new.person@example.org"))
    assert person.organisation_id == world.sn_org.id and person.language == "es"
    assert client.get("/spaces").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/spaces").get_data(as_text=True))})
    reused = client.get(url)
    assert reused.status_code == 410


def test_expired_invitation_is_refused(client, world):
    invitation, token = _invite(world)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 410
    assert "expiré" in response.get_data(as_text=True)


def test_wrong_invitation_token_is_refused(client, world):
    _invite(world)
    assert client.get("/invitation/forged-token").status_code == 410


def test_invitation_to_an_existing_account_cannot_create_a_second_one(client, world):
    """Such an invitation's link is never sent; were it used anyway, it is refused with nothing written."""
    _invitation, token = _invite(world, email=world.member.email)
    page = client.get(f"/invitation/{token}")
    response = client.post(f"/invitation/{token}", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "name": "Double",
        "password": "long-enough-pw", "confirm": "long-enough-pw", "language": "fr", "timezone": "UTC"})
    assert response.status_code == 410
    assert "Un compte existe déjà" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.email == world.member.email)) == 1
    assert db.session.scalar(db.select(Invitation.used_at)) is None


def test_forgotten_password_link_sets_a_new_password_once(app, client, auth, member):
    post_form(client, "/password/forgot", {"email": member.email})
    mail = outbox()[-1]
    assert mail["To"] == member.email
    link = next(line for line in mail.get_content().splitlines() if "/password/reset/" in line)
    path = link[link.index("/password/reset/"):]
    response = post_form(client, path, {"password": "brand-new-password", "confirm": "brand-new-password"})
    assert response.status_code == 302
    assert client.get("/spaces").status_code == 200, "the link signs the person in"
    auth.logout()
    assert auth.login(member.email, password="brand-new-password").status_code == 302
    auth.logout()
    assert client.get(path).status_code == 302, "a used link sends the person back to ask again"


def test_forgotten_password_does_not_reveal_unknown_addresses(client, world):
    response = post_form(client, "/password/forgot", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert outbox() == []


def test_profile_changes_language_and_time_zone(client, auth, member):
    auth.login(member.email)
    response = post_form(client, "/account/profile", {
        "name": "Aminata D.", "language": "en", "timezone": "America/Lima", "notify_email": "never"})
    assert response.status_code == 302
    html = client.get("/account/profile").get_data(as_text=True)
    assert '<html lang="en">' in html and "My profile" in html
    assert "America/Lima" in html


def test_profile_refuses_an_unknown_time_zone_and_keeps_the_name(client, auth, member):
    auth.login(member.email)
    response = post_form(client, "/account/profile", {
        "name": "Nom gardé", "language": "fr", "timezone": "Mars/Olympus", "notify_email": "daily"})
    assert response.status_code == 200
    assert "Nom gardé" in response.get_data(as_text=True)


def test_passwords_are_hashed_with_argon2id(member):
    assert member.password_hash.startswith("$argon2id$")


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_idle_session_is_signed_out(client, auth, member):
    auth.login(member.email)
    assert client.get("/spaces").status_code == 200
    with client.session_transaction() as session:
        session["_seen"] = session["_seen"] - 3 * 3600
    response = client.get("/spaces")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_remember_me_cookie_stops_working_after_sign_out(app, client, auth, member):
    page = client.get("/login")
    client.post("/login", data={"email": member.email, "password": "sociallab-demo", "remember": "y",
                                "csrf_token": csrf_token_from(page.get_data(as_text=True))})
    remembered = client.get_cookie("remember_token").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered)
    assert thief.get("/spaces").status_code == 302


def test_error_pages_speak_the_visitors_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "es-PE,es;q=0.9"})
    assert response.status_code == 404
    assert '<html lang="es">' in response.get_data(as_text=True)
    assert "Página no encontrada" in response.get_data(as_text=True)


def test_too_large_request_gets_a_readable_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "x" * 4096})
    assert response.status_code == 413
    assert "trop" in response.get_data(as_text=True).lower()
