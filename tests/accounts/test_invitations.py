"""Invitation links: they never sign anyone out, one is accepted once, and inviting tells nothing about accounts."""
import re
import threading

import config
from sociallab.accounts import invitations, services
from sociallab.accounts.models import User
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.mail import outbox
from tests.conftest import csrf_token_from, post_form

SITE = config.TestConfig.SITE_URL


def _invite(world, email="new.person@example.org"):
    _invitation, token = services.invite(world.admin, email, world.sn_org, language="fr")
    db.session.commit()
    return token


def _is_signed_in(client):
    return client.get("/spaces").status_code == 200


# --- a link never signs anyone out ------------------------------------------------------------

def test_opening_an_invitation_while_signed_in_asks_and_signs_nobody_out(client, auth, world):
    token = _invite(world)
    auth.login(world.member.email)
    page = client.get(f"/invitation/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert _is_signed_in(client)
    assert world.member.name in html and 'action="/logout"' in html and 'method="post"' in html
    assert 'name="password"' not in html, "no account form while someone is signed in"


def test_a_forged_invitation_link_signs_nobody_out(client, auth, world):
    auth.login(world.member.email)
    assert client.get("/invitation/anything").status_code == 410
    assert _is_signed_in(client)


def test_accepting_while_signed_in_creates_nothing(client, auth, world):
    token = _invite(world)
    auth.login(world.member.email)
    response = post_form(client, f"/invitation/{token}", {
        "name": "Quelqu'un", "password": "long-enough-pw", "confirm": "long-enough-pw", "language": "fr",
        "timezone": "UTC"})
    assert response.status_code in (200, 409)
    assert _is_signed_in(client)
    assert services.find_user_by_email("new.person@example.org") is None


def test_signing_out_from_the_invitation_page_comes_back_to_it(client, auth, world):
    token = _invite(world)
    auth.login(world.member.email)
    response = post_form(client, "/logout", {"next": f"/invitation/{token}"}, page=f"/invitation/{token}")
    assert response.status_code == 302 and response.headers["Location"] == f"/invitation/{token}"
    assert 'name="password"' in client.get(f"/invitation/{token}").get_data(as_text=True)


# --- inviting tells nothing about who has an account ------------------------------------------

def _normalised(html, email):
    """The page with what legitimately differs (the address, CSRF token, ids, times) taken out."""
    html = re.sub(r'(name="csrf_token"[^>]*value=)"[^"]+"', r"\1", html.replace(email, "EMAIL"))
    return re.sub(r"\d+", "N", html)


def test_inviting_an_existing_account_answers_like_a_new_address(client, auth, world):
    """The focal point sees the same answer; the existing person is told by e-mail; no link makes a second account."""
    auth.login(world.member.email)
    url = f"/organisations/{world.sn_org.id}/invite"
    answers = {}
    for email in ("brand.new@example.org", world.other_member.email):
        response = post_form(client, url, {"email": email, "language": "es"})
        page = client.get(response.headers.get("Location", url)) if response.status_code == 302 else response
        answers[email] = (response.status_code, _normalised(page.get_data(as_text=True), email))
        for pending in invitations.pending_invitations(world.sn_org):  # each answer starts from an empty list
            invitations.revoke_invitation(world.admin, pending)
        db.session.commit()
    assert answers["brand.new@example.org"] == answers[world.other_member.email]

    to_existing = next(m for m in outbox() if m["To"] == world.other_member.email)
    body = to_existing.get_content()
    assert "/invitation/" not in body
    assert f"{SITE}/login" in body and f"{SITE}/password/forgot" in body
    assert "Aminata Sénégal" in body, "they learn who tried to invite them"


# --- one invitation accepted at once by several browsers ---------------------------------------

def test_one_invitation_accepted_by_several_browsers_at_once_makes_one_account(shared_app):
    app, world = shared_app
    token = _invite(world)
    browsers = 6
    forms = []
    for _ in range(browsers):
        client = app.test_client()
        forms.append((client, csrf_token_from(client.get(f"/invitation/{token}").get_data(as_text=True))))
    db.session.remove()
    start, answers = threading.Barrier(browsers), []

    def accept(client, csrf):
        with app.app_context():
            start.wait()
            response = client.post(f"/invitation/{token}", data={
                "csrf_token": csrf, "name": "Nouvelle Personne", "password": "long-enough-pw",
                "confirm": "long-enough-pw", "language": "fr", "timezone": "Africa/Dakar"})
            answers.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=accept, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _html in answers)
    assert statuses == [302] + [410] * (browsers - 1), statuses
    assert all("déjà été utilisée" in html for status, html in answers if status == 410)
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.email == "new.person@example.org")) == 1
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))
                             .where(AuditEntry.action == "invitation.accept")) == 1


def test_people_with_the_same_name_accepting_at_once_all_get_their_account(shared_app):
    """Invitations of marie@… from several organisations, accepted at the same moment: each gets an account
    (their mention handles, all derived from "marie", are told apart)."""
    app, world = shared_app
    people = 5
    tokens = [_invite(world, email=f"new.person@partner{n}.example") for n in range(people)]
    forms = []
    for token in tokens:
        client = app.test_client()
        forms.append((client, token, csrf_token_from(client.get(f"/invitation/{token}").get_data(as_text=True))))
    db.session.remove()
    start, statuses = threading.Barrier(people), []

    def accept(client, token, csrf):
        with app.app_context():
            start.wait()
            statuses.append(client.post(f"/invitation/{token}", data={
                "csrf_token": csrf, "name": "Nouvelle Personne", "password": "long-enough-pw",
                "confirm": "long-enough-pw", "language": "fr", "timezone": "Africa/Dakar"}).status_code)

    threads = [threading.Thread(target=accept, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * people
    handles = db.session.scalars(db.select(User.handle).where(User.email.like("new.person@partner%"))).all()
    assert len(set(handles)) == people
