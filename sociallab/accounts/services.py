"""Account services: sign-in checks, accepting an invitation, password reset, profiles. No request needed.

Each change is one unit of work that commits itself (accounts/checks.py holds its checks and
errors); mail leaves only once what it points to is committed. Sending and revoking invitations
is in invitations.py.
"""
import hashlib
import re
import secrets
import unicodedata

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from sociallab.accounts import signin_limits
from sociallab.accounts.checks import AccountError, InvitationUnusable, check_invite, check_password_strength
from sociallab.accounts.models import Invitation, User
from sociallab.accounts.passwords import hash_password, verify_password
from sociallab.audit.services import record
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.mail import send_mail, site_url_for


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email):
    return (email or "").strip().lower()


def find_user_by_email(email):
    return db.session.scalar(db.select(User).where(User.email == normalize_email(email)))


def authenticate(email, password):
    """The active user with these credentials, or None."""
    user = find_user_by_email(email)
    if user is None:
        # Spend the same time as a real check so timing does not reveal who has an account.
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def check_sign_in(email, password, address):
    """The active user with these credentials, or None.

    The attempt is counted against the sign-in limits before the password is checked
    (signin_limits.TooManyAttempts when over them); a successful one is given back.
    """
    attempt = signin_limits.count_attempt(normalize_email(email), address)
    user = authenticate(email, password)
    if user is not None:
        attempt.succeeded()
    return user


_DUMMY = {}


def _dummy_hash():
    key = (current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"])
    if key not in _DUMMY:
        _DUMMY[key] = hash_password(secrets.token_hex(8))
    return _DUMMY[key]


def unique_handle(name_or_email):
    """A mention handle derived from a name or e-mail: lowercase letters, digits, dots."""
    base = unicodedata.normalize("NFKD", name_or_email.split("@")[0]).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9.]+", ".", base.lower()).strip(".")[:40] or "user"
    handle, n = base, 1
    while db.session.scalar(db.select(User.id).where(User.handle == handle)) is not None:
        n += 1
        handle = f"{base}{n}"
    return handle


def create_user(email, name, password, organisation=None, language="fr", timezone="UTC", is_admin=False,
                handle=None):
    """Add a person to the session; the caller commits. A building block of accepting an
    invitation, and of the demo seeder and test factories, which create people in bulk."""
    user = User(email=normalize_email(email), name=name.strip(), handle=handle or unique_handle(email),
                password_hash=hash_password(password) if password else None,
                organisation=organisation, language=language, timezone=timezone, is_admin=is_admin)
    db.session.add(user)
    return user


def invite(actor, email, organisation, language="fr"):
    """Invite an address without mailing it (invitations.send_invitation mails it): checked,
    committed, and returned as (invitation, token); the token exists nowhere else."""
    check_invite(actor, organisation)
    invitation, token = add_invitation(actor, email, organisation, language)
    db.session.commit()
    return invitation, token


def add_invitation(actor, email, organisation, language="fr"):
    """Add an invitation to the session and return (invitation, token); the checked service that
    calls it commits it.

    An address that already has an account is invited like any other, so that whoever invites
    cannot tell the two apart; invitations.send_invitation then never sends it the token, and
    accepting could not create a second account anyway.
    """
    email = normalize_email(email)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(email=email, organisation=organisation, invited_by=actor,
                            token_hash=_token_hash(token), language=language,
                            expires_at=utcnow() + current_app.config["INVITATION_TTL"])
    db.session.add(invitation)
    db.session.flush()
    record(actor, "invitation.create", invitation, after={"email": email, "organisation_id": organisation.id})
    return invitation, token


def get_valid_invitation(token):
    """The unused, unexpired invitation for this token, or InvitationUnusable."""
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.token_hash == _token_hash(token or "")))
    if invitation is None:
        raise InvitationUnusable(_("This invitation link is not valid."))
    if invitation.used_at is not None:
        raise InvitationUnusable(_("This invitation has already been used. Sign in instead."))
    if invitation.expires_at < utcnow():
        raise InvitationUnusable(_("This invitation has expired. Ask for a new one."))
    return invitation


def accept_invitation(token, name, password, language, timezone):
    """Create the invited person's account; InvitationUnusable if the link was used meanwhile.

    Several browsers may send the form at the same moment: the invitation is spent by one
    conditional UPDATE, which only one of them can win. On an error the caller rolls back.
    """
    invitation = get_valid_invitation(token)
    check_password_strength(password)
    spent = db.session.execute(
        db.update(Invitation).where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=utcnow())).rowcount
    if spent != 1:
        raise InvitationUnusable(_("This invitation has already been used. Sign in instead."))
    user = _create_invited_user(invitation, name, password, language, timezone)
    record(user, "invitation.accept", invitation, after={"user_id": user.id})
    db.session.commit()
    return user


def _create_invited_user(invitation, name, password, language, timezone, tries=4):
    # People invited as marie@… accepting at the same moment are all offered the handle "marie";
    # those who lose the race try a handle with a random number, so they do not race again.
    for attempt in range(tries):
        handle = unique_handle(f"{invitation.email.split('@')[0]}{secrets.randbelow(1000)}") if attempt else None
        try:
            with db.session.begin_nested():
                return create_user(invitation.email, name, password, organisation=invitation.organisation,
                                   language=language, timezone=timezone, handle=handle)
        except IntegrityError:
            if find_user_by_email(invitation.email) is not None:
                # The address got an account another way since the invitation was sent.
                raise InvitationUnusable(
                    _("An account already exists for this e-mail address. Sign in instead.")) from None
            if attempt == tries - 1:
                raise


def _reset_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def password_reset_token(user):
    # The token embeds a fingerprint of the current hash: once the password changes it is spent.
    return _reset_serializer().dumps({"uid": user.id, "fp": _token_hash(user.password_hash or "")[:16]})


def send_password_reset(email):
    """Mail a link to choose a new password, in the person's language, to an active account with
    this address; nothing to anyone else (the caller answers the same either way)."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    link = site_url_for("accounts.reset_password", token=password_reset_token(user))
    with force_locale(user.language):
        send_mail(user.email, _("Choose a new Sociallab password"),
                  render_template("accounts/mail/reset_password.txt", user=user, link=link))


def user_from_reset_token(token):
    max_age = int(current_app.config["PASSWORD_RESET_TTL"].total_seconds())
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise AccountError(_("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise AccountError(_("This link is not valid.")) from None
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.active or _token_hash(user.password_hash or "")[:16] != data.get("fp"):
        raise AccountError(_("This link has already been used or is no longer valid."))
    return user


def _set_password(user, password):
    """Set a new password and end every existing session of this person."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.end_all_sessions()


def reset_password(user, password):
    """Set the password chosen through the reset e-mail; holding that e-mail also lifts the account's
    sign-in lock, so a stranger's wrong passwords cannot keep its owner out."""
    _set_password(user, password)
    db.session.commit()
    signin_limits.lift_account_lock(user.email)


def change_password(user, current_password, new_password):
    """A new password, given the current one; every session of the person ends."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_("The current password is not correct."))
    _set_password(user, new_password)
    db.session.commit()


def update_profile(user, name, language, timezone, notify_email=None):
    user.name = name.strip()
    user.language = language
    user.timezone = timezone
    if notify_email is not None:
        user.notify_email = notify_email
    db.session.commit()


def set_language(user, language):
    """The language the interface and the person's mail use from now on."""
    user.language = language
    db.session.commit()


def sign_out_everywhere(user):
    """End every session of the person, this one included (their remember cookies stop working)."""
    user.end_all_sessions()
    db.session.commit()
