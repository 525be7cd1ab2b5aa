"""Invitations by administrators and by focal points, mailed in the invitee's language."""
import contextlib

from sqlalchemy.exc import OperationalError

from sociallab.accounts.models import Invitation
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.mail import outbox
from tests.conftest import csrf_token_from, post_form


def _link(message):
    return next(line for line in message.get_content().splitlines() if "/invitation/" in line).strip()


def test_admin_invites_into_any_organisation_in_the_invitees_language(client, admin_client, world):
    response = post_form(admin_client, "/admin/invitations", {
        "email": "Nueva.Persona@Example.org", "organisation_id": world.pe_org.id, "language": "es"})
    assert response.status_code == 302
    message = outbox()[-1]
    assert message["To"] == "nueva.persona@example.org"
    assert message["Subject"] == "Su invitación a Sociallab"
    body = message.get_content()
    assert "le invita a unirse a Sociallab" in body and world.pe_org.name in body and world.admin.name in body
    link = _link(message)
    page = client.get(link[link.index("/invitation/"):])
    assert page.status_code == 200 and world.pe_org.name in page.get_data(as_text=True)
    assert "nueva.persona@example.org" in admin_client.get("/admin/invitations").get_data(as_text=True)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "invitation.create"))
    assert entry.actor_id == world.admin.id and entry.before is None
    assert entry.after == {"email": "nueva.persona@example.org", "organisation_id": world.pe_org.id}


def test_invitation_mail_in_french(admin_client, world):
    post_form(admin_client, "/admin/invitations", {
        "email": "nouvelle@example.org", "organisation_id": world.sn_org.id, "language": "fr"})
    message = outbox()[-1]
    assert message["Subject"] == "Votre invitation à Sociallab"
    assert "vous invite à rejoindre Sociallab" in message.get_content()


def test_focal_point_invites_into_their_own_organisation(client, auth, world):
    auth.login(world.member.email)  # the focal point of the Senegal partner
    assert "Invite a colleague" in client.get("/account/profile").get_data(as_text=True) or \
        "Inviter" in client.get("/account/profile").get_data(as_text=True)
    response = post_form(client, f"/organisations/{world.sn_org.id}/invite", {
        "email": "collegue@example.org", "language": "fr"})
    assert response.status_code == 302
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.email == "collegue@example.org"))
    assert invitation.organisation_id == world.sn_org.id and invitation.invited_by_id == world.member.id
    assert outbox()[-1]["To"] == "collegue@example.org"
    assert "collegue@example.org" in client.get(f"/organisations/{world.sn_org.id}/invite").get_data(as_text=True)


def test_focal_point_cannot_invite_into_another_organisation(client, auth, world):
    auth.login(world.member.email)
    assert client.get(f"/organisations/{world.pe_org.id}/invite").status_code == 404
    token = auth.csrf()
    response = client.post(f"/organisations/{world.pe_org.id}/invite", data={
        "csrf_token": token, "email": "intruder@example.org", "language": "fr"})
    assert response.status_code == 404
    assert outbox() == []


def test_a_member_who_is_not_focal_point_cannot_invite(client, auth, world):
    auth.login(world.member2.email)
    assert client.get(f"/organisations/{world.member2.organisation_id}/invite").status_code == 404


def test_inviting_an_existing_account_is_refused_with_a_message(admin_client, world):
    response = post_form(admin_client, "/admin/invitations", {
        "email": world.member.email, "organisation_id": world.sn_org.id, "language": "fr"})
    assert response.status_code == 400
    assert "An account already exists" in response.get_data(as_text=True)
    assert outbox() == []


def test_a_revoked_invitation_link_stops_working_and_is_audited(client, admin_client, world):
    post_form(admin_client, "/admin/invitations", {
        "email": "revoked@example.org", "organisation_id": world.sn_org.id, "language": "en"})
    link = _link(outbox()[-1])
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.email == "revoked@example.org"))
    response = post_form(admin_client, f"/admin/invitations/{invitation.id}/revoke", {}, page="/admin/invitations")
    assert response.status_code == 302
    assert client.get(link[link.index("/invitation/"):]).status_code == 410
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "invitation.revoke"))
    assert entry.before["email"] == "revoked@example.org" and entry.after is None
    assert "revoked@example.org" not in admin_client.get("/admin/invitations").get_data(as_text=True)


def test_a_new_invitation_replaces_the_pending_one(admin_client, world):
    for _ in range(2):
        post_form(admin_client, "/admin/invitations", {
            "email": "twice@example.org", "organisation_id": world.sn_org.id, "language": "en"})
    pending = db.session.scalars(db.select(Invitation).where(Invitation.email == "twice@example.org")).all()
    assert len(pending) == 1


def test_focal_point_revokes_only_their_organisations_invitations(client, auth, admin_client, world):
    post_form(admin_client, "/admin/invitations", {
        "email": "peru.invitee@example.org", "organisation_id": world.pe_org.id, "language": "es"})
    peru_invitation = db.session.scalar(db.select(Invitation).where(Invitation.email == "peru.invitee@example.org"))
    auth.login(world.member.email)
    token = auth.csrf()
    response = client.post(f"/organisations/{world.sn_org.id}/invitations/{peru_invitation.id}/revoke",
                           data={"csrf_token": token})
    assert response.status_code == 404
    assert db.session.get(Invitation, peru_invitation.id) is not None


def test_nobody_is_invited_into_an_inactive_organisation(admin_client, world):
    world.pe_org.active = False
    db.session.commit()
    response = post_form(admin_client, "/admin/invitations", {
        "email": "late@example.org", "organisation_id": world.pe_org.id, "language": "es"})
    assert response.status_code == 400
    assert "not an active partner" in response.get_data(as_text=True)
    assert outbox() == []


def _commits_fail(monkeypatch):
    def fail():
        raise OperationalError("COMMIT", {}, Exception("the database went away"))
    monkeypatch.setattr(db.session, "commit", fail)


def _invite_while_commits_fail(client, url, data, monkeypatch):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    _commits_fail(monkeypatch)
    # The test client passes the view's error through; a server would answer 500.
    with contextlib.suppress(OperationalError):
        client.post(url, data={**data, "csrf_token": token})
    monkeypatch.undo()


def test_an_invitation_whose_commit_fails_is_not_mailed(admin_client, world, monkeypatch):
    """A link to an invitation that was never saved would lead nowhere."""
    _invite_while_commits_fail(admin_client, "/admin/invitations", {
        "email": "lost@example.org", "organisation_id": world.sn_org.id, "language": "fr"}, monkeypatch)
    assert outbox() == []
    db.session.rollback()
    assert db.session.scalar(db.select(Invitation).where(Invitation.email == "lost@example.org")) is None


def test_a_focal_points_invitation_whose_commit_fails_is_not_mailed(client, auth, world, monkeypatch):
    auth.login(world.member.email)  # the focal point of the Senegal partner
    _invite_while_commits_fail(client, f"/organisations/{world.sn_org.id}/invite",
                               {"email": "lost@example.org", "language": "fr"}, monkeypatch)
    assert outbox() == []


def test_an_existing_account_is_not_told_of_an_invitation_whose_commit_fails(client, auth, world, monkeypatch):
    auth.login(world.member.email)
    _invite_while_commits_fail(client, f"/organisations/{world.sn_org.id}/invite",
                               {"email": world.other_member.email, "language": "fr"}, monkeypatch)
    assert outbox() == []
