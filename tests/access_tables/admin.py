"""Access rows for the administration (admins only) and for invitations by focal points."""

from sociallab.accounts import services as accounts
from sociallab.accounts.models import Invitation, SpaceRole, VolunteerMandate
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.spaces.models import Region, Theme
from tests.access_tables import LOGIN, Row, admins_only, expect

FOCAL_POINT_AND_ADMIN = expect(404, anonymous=LOGIN, member=200, admin=200)


def setup(world):
    world.region = db.session.scalar(db.select(Region).where(Region.code == "ssa"))
    world.theme = db.session.scalar(db.select(Theme).limit(1)) or Theme(
        code="participation", label_fr="Participation", label_en="Participation", label_es="Participación")
    db.session.add(world.theme)
    world.mandate = db.session.scalar(db.select(VolunteerMandate).where(
        VolunteerMandate.user_id == world.volunteer_in.id))
    db.session.add(AuditEntry(actor_id=world.admin.id, action="theme.update", target_type="Theme",
                              target_id=1, before={"active": True}, after={"active": False}))
    db.session.commit()


def _fresh_invitation(w):
    """Each role revokes its own invitation, so one role's success does not change the next one's answer."""
    invitation, _token = accounts.invite(w.admin, f"invitee{db.session.scalar(db.select(db.func.count(Invitation.id)))}"
                                         "@example.org", w.sn_org)
    db.session.commit()
    return invitation.id


def _fresh_role(w):
    """The role to remove (created again once an admin has removed it)."""
    keys = {"user_id": w.member2.id, "role": SpaceRole.FACILITATOR, "space_id": w.sn_space.id}
    role = db.session.scalar(db.select(SpaceRole).filter_by(**keys))
    if role is None:
        role = SpaceRole(**keys)
        db.session.add(role)
        db.session.commit()
    return role.id


def _page(endpoint, path):
    return Row(endpoint, lambda w: path, admins_only())


ROWS = [
    _page("admin.index", "/admin/"),
    _page("admin.regions", "/admin/regions"),
    _page("admin.new_region", "/admin/regions/new"),
    Row("admin.edit_region", lambda w: f"/admin/regions/{w.region.id}", admins_only()),
    _page("admin.countries", "/admin/countries"),
    _page("admin.new_country", "/admin/countries/new"),
    Row("admin.edit_country", lambda w: f"/admin/countries/{w.sn_org.country_id}", admins_only()),
    _page("admin.spaces", "/admin/spaces"),
    _page("admin.new_space", "/admin/spaces/new"),
    Row("admin.edit_space", lambda w: f"/admin/spaces/{w.sn_space.id}", admins_only()),
    _page("admin.organisations", "/admin/organisations"),
    _page("admin.new_organisation", "/admin/organisations/new"),
    Row("admin.edit_organisation", lambda w: f"/admin/organisations/{w.sn_org.id}", admins_only()),
    _page("admin.people", "/admin/people?q=s%C3%A9n%C3%A9gal"),
    Row("admin.edit_person", lambda w: f"/admin/people/{w.member2.id}", admins_only()),
    _page("admin.mandates", "/admin/mandates"),
    _page("admin.new_mandate", "/admin/mandates/new"),
    Row("admin.edit_mandate", lambda w: f"/admin/mandates/{w.mandate.id}", admins_only()),
    _page("admin.roles", "/admin/roles"),
    Row("admin.remove_role", lambda w: f"/admin/roles/{_fresh_role(w)}/remove", admins_only(302), method="POST"),
    _page("admin.themes", "/admin/themes"),
    _page("admin.new_theme", "/admin/themes/new"),
    Row("admin.edit_theme", lambda w: f"/admin/themes/{w.theme.id}", admins_only()),
    _page("admin.invitations_page", "/admin/invitations"),
    Row("admin.revoke_invitation", lambda w: f"/admin/invitations/{_fresh_invitation(w)}/revoke",
        admins_only(302), method="POST"),
    _page("admin.audit", "/admin/audit"),
    # An invalid form is refused with 400 (and nothing changes) for the admin; 404 for everyone else.
    Row("admin.new_theme", lambda w: "/admin/themes/new", admins_only(400), method="POST",
        data=lambda w: {"code": "Not A Code!"}, id="POST admin.new_theme (invalid)"),
    Row("admin.edit_person", lambda w: f"/admin/people/{w.member2.id}", admins_only(302), method="POST",
        data=lambda w: {"organisation_id": str(w.member2.organisation_id), "active": "y"},
        id="POST admin.edit_person"),
    # A focal point invites into their own organisation; the Senegal member is its focal point.
    Row("accounts.invite", lambda w: f"/organisations/{w.sn_org.id}/invite", FOCAL_POINT_AND_ADMIN,
        id="invite into own organisation"),
    Row("accounts.invite", lambda w: f"/organisations/{w.pe_org.id}/invite", admins_only(),
        id="invite into another organisation"),
    Row("accounts.invite", lambda w: "/organisations/999999/invite", expect(404, anonymous=LOGIN),
        id="invite into a missing organisation"),
    Row("accounts.revoke_invitation",
        lambda w: f"/organisations/{w.sn_org.id}/invitations/{_fresh_invitation(w)}/revoke",
        expect(404, anonymous=LOGIN, member=302, admin=302), method="POST"),
]
