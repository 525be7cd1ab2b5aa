"""The accounts' part of a person's data: their account, roles, mandates and invitations (sociallab.privacy)."""
import secrets

from sociallab.accounts.models import Invitation, SpaceRole, User, VolunteerMandate
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.privacy.registry import register
from sociallab.spaces.models import Organisation

# What the account page and the platform keep; never the password hash or the session token.
ACCOUNT_FIELDS = ("id", "email", "handle", "name", "language", "timezone", "is_admin", "active",
                  "notify_email", "created_at", "last_seen_at", "deletion_requested_at")


def export(user, archive):
    account = {field: getattr(user, field) for field in ACCOUNT_FIELDS}
    account["organisation"] = user.organisation.name if user.organisation else None
    archive.add_json("account.json", account)
    roles = db.session.scalars(db.select(SpaceRole).where(SpaceRole.user_id == user.id).order_by(SpaceRole.id))
    archive.add_json("roles.json", [{"role": r.role, "space": r.space.slug if r.space else None} for r in roles])
    mandates = db.session.scalars(db.select(VolunteerMandate).where(VolunteerMandate.user_id == user.id)
                                  .order_by(VolunteerMandate.start_date))
    archive.add_json("mandates.json", [
        {"organisation": m.organisation.name, "start_date": m.start_date, "end_date": m.end_date,
         "specialty": m.specialty} for m in mandates])
    invitations = db.session.scalars(db.select(Invitation).where(
        db.or_(Invitation.invited_by_id == user.id, Invitation.email == user.email)).order_by(Invitation.id))
    archive.add_json("invitations.json", [
        {"direction": "sent" if i.invited_by_id == user.id else "received", "email": i.email,
         "organisation": i.organisation.name, "created_at": i.created_at, "expires_at": i.expires_at,
         "used_at": i.used_at} for i in invitations])


def erase(erasure):
    user = erasure.user
    db.session.execute(db.delete(SpaceRole).where(SpaceRole.user_id == user.id))
    db.session.execute(db.delete(VolunteerMandate).where(VolunteerMandate.user_id == user.id))
    db.session.execute(db.delete(Invitation).where(
        db.or_(Invitation.invited_by_id == user.id, Invitation.email == erasure.email)))
    db.session.execute(db.update(Organisation).where(Organisation.focal_point_id == user.id)
                       .values(focal_point_id=None))
    # The row stays, so what they wrote keeps an author shown as "Former member" (User.name).
    user.deleted_at = utcnow()
    user.deletion_requested_at = None
    user.name = ""
    user.email = f"deleted-{user.id}@invalid"
    user.handle = f"former-{secrets.token_hex(8)}"
    user.password_hash = None
    user.active = False
    user.is_admin = False
    user.organisation_id = None
    user.notify_email = User.NOTIFY_NEVER
    user.timezone = "UTC"
    user.last_seen_at = None
    user.end_all_sessions()
    db.session.expire(user, ["mandates", "space_roles", "organisation"])


def init_app(app):
    register(app, "accounts", export=export, erase=erase)
