"""Account services decide who may invite or revoke and commit their change, whoever calls them."""
import pytest

import config
from sociallab.accounts import invitations, services
from sociallab.accounts.checks import AccountError
from sociallab.accounts.models import Invitation
from sociallab.accounts.passwords import verify_password
from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.mail import outbox


def _refusal(call, *args, **kwargs):
    with pytest.raises(AccountError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    return caught.value


def _invitations():
    return db.session.scalar(db.select(db.func.count(Invitation.id)))


def test_only_an_administrator_or_the_focal_point_invites_or_revokes_404_for_anyone_else(world):
    before = _invitations()
    refusal = _refusal(invitations.send_invitation, world.member2, "x@example.org", world.sn_org, "fr")
    assert isinstance(refusal, ServiceError) and refusal.status == 404
    assert _refusal(invitations.send_invitation, world.member, "x@example.org", world.pe_org, "fr").status == 404
    assert _refusal(services.invite, world.moderator, "x@example.org", world.sn_org).status == 404
    assert _invitations() == before and outbox() == []
    invitation, _token = services.invite(world.member, "colleague@example.org", world.sn_org)
    assert _refusal(invitations.revoke_invitation, world.other_member, invitation).status == 404
    assert db.session.get(Invitation, invitation.id) is not None


def test_an_inactive_partner_takes_no_invitation_400(world):
    world.sn_org.active = False
    db.session.commit()
    assert _refusal(invitations.send_invitation, world.admin, "x@example.org", world.sn_org, "fr").status == 400
    assert outbox() == []


def test_a_change_is_committed_by_its_service(app, world):
    with app.test_request_context():  # the invitation's mail is rendered like a page
        invitation = invitations.send_invitation(world.member, "colleague@example.org", world.sn_org, "fr")
    assert outbox()[-1]["To"] == "colleague@example.org"
    services.change_password(world.member2, config.Config.DEMO_PASSWORD, "a brand new password")
    db.session.rollback()  # what a caller's error handling may do after the call: the changes stay
    assert db.session.get(Invitation, invitation.id) is not None
    assert verify_password(db.session.get(type(world.member2), world.member2.id).password_hash,
                           "a brand new password")
    invitations.revoke_invitation(world.member, invitation)
    db.session.rollback()
    assert db.session.get(Invitation, invitation.id) is None
