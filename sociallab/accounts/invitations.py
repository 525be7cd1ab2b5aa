"""Sending, listing and revoking invitations (by administrators, or focal points for their organisation)."""
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from sociallab.accounts import services
from sociallab.accounts.checks import AccountError, check_revoke, check_send_invitation
from sociallab.accounts.models import Invitation
from sociallab.audit.services import record, snapshot
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.mail import send_mail, site_url_for
from sociallab.permissions import is_admin
from sociallab.spaces.models import Organisation

INVITATION_FIELDS = ("email", "organisation_id", "language", "expires_at")


def send_invitation(actor, email, organisation, language):
    """Invite an e-mail address into an organisation and mail the link in the invitee's language.

    Any earlier pending invitation of the same address is replaced, so only the newest link works.
    A focal point gets the same answer whether or not the address already has an account (they
    must not learn who is on the platform): that person is told by e-mail instead. Administrators,
    who see every account anyway, are told plainly.

    The invitation is committed before anything is mailed: a commit that fails sends no link to
    an invitation that does not exist.
    """
    check_send_invitation(actor, organisation)
    email = services.normalize_email(email)
    existing = services.find_user_by_email(email)
    if existing is not None and is_admin(actor):
        raise AccountError(_("An account already exists for this e-mail address."))
    earlier = pending_invitations(email=email)
    invitation, token = services.add_invitation(actor, email, organisation, language=language)
    for replaced in earlier:
        _withdraw(actor, replaced)
    db.session.commit()
    if existing is not None:
        _tell_existing_account(existing, actor, organisation)
        return invitation
    link = site_url_for("accounts.accept_invitation", token=token)
    with force_locale(language):
        send_mail(email, _("Your invitation to Sociallab"),
                  render_template("accounts/mail/invitation.txt", inviter=actor.name,
                                  organisation=organisation.name, link=link))
    return invitation


def _tell_existing_account(user, actor, organisation):
    """Someone invited an address that already has an account: tell its owner how to get in."""
    with force_locale(user.language):
        send_mail(user.email, _("Someone invited you to Sociallab, where you already have an account"),
                  render_template("accounts/mail/already_member.txt", user=user, inviter=actor.name,
                                  organisation=organisation.name, login=site_url_for("accounts.login"),
                                  forgot=site_url_for("accounts.forgot_password")))


def pending_invitations(organisation=None, email=None):
    """Unused, unexpired invitations, newest first, with their organisation and inviter loaded."""
    query = db.select(Invitation).where(Invitation.used_at.is_(None), Invitation.expires_at > utcnow()) \
        .options(joinedload(Invitation.organisation).joinedload(Organisation.country),
                 joinedload(Invitation.invited_by)) \
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    if organisation is not None:
        query = query.where(Invitation.organisation_id == organisation.id)
    if email is not None:
        query = query.where(Invitation.email == services.normalize_email(email))
    return db.session.scalars(query).all()


def revoke_invitation(actor, invitation):
    """Withdraw an invitation: its link stops working at once."""
    check_revoke(actor, invitation)
    _withdraw(actor, invitation)
    db.session.commit()


def _withdraw(actor, invitation):
    record(actor, "invitation.revoke", invitation, before=snapshot(invitation, INVITATION_FIELDS))
    db.session.delete(invitation)
