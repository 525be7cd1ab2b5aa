"""The checks account changes pass first: may this person invite or revoke here, is the password strong enough.

Who may invite is decided by sociallab.permissions (can_invite), asked for the acting person. A
refusal is an AccountError: 404 for an organisation the person may not invite into (its pages
answer 404 too), 400 for what the person can correct, 410 for an invitation link that can no
longer create an account.
"""
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

import config
from sociallab import permissions
from sociallab.errors import ServiceError

MIN_PASSWORD_LENGTH = 10


class AccountError(ServiceError):
    """A refusal a person can act on; its message is already translated."""


class InvitationUnusable(AccountError):
    """The invitation link cannot (or can no longer) create an account."""

    status = 410


def check_password_strength(password):
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(ngettext("The password must have at least %(num)d character.",
                                    "The password must have at least %(num)d characters.", MIN_PASSWORD_LENGTH))
    # The demo's password is printed in the README: a server refuses to start while an account uses it.
    if password in (config.PUBLISHED_DEMO_PASSWORD, current_app.config.get("DEMO_PASSWORD")):
        raise AccountError(_("This password is published with the demo platform. Choose another one."))


def _not_yours():
    return AccountError(_("You cannot invite anyone into this organisation."), status=404)


def check_invite(actor, organisation):
    """Administrators, and the organisation's focal point."""
    if not permissions.can_invite(organisation, actor):
        raise _not_yours()


def check_send_invitation(actor, organisation):
    """An invitation mailed: by whoever may invite, into an active partner only."""
    check_invite(actor, organisation)
    if not organisation.active:
        raise AccountError(_("%(organisation)s is not an active partner: nobody can be invited into it.",
                             organisation=organisation.name))


def check_revoke(actor, invitation):
    """Whoever may invite into the invitation's organisation may withdraw it."""
    if not permissions.can_invite(invitation.organisation, actor):
        raise _not_yours()
