"""People as administrators manage them: finding them, their organisation and rights, volunteer mandates, space roles.

Each change is one unit of work: check_admin, the rules (an AdminError says what to fix), the
change and its audit entry, then the commit. The *_FIELDS tuples name what each form edits and
what the audit log records of it.
"""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from sociallab.accounts import mandates
from sociallab.accounts.models import SpaceRole, User, VolunteerMandate
from sociallab.admin.checks import AdminError, check_admin
from sociallab.admin.structure import ORGANISATION_FIELDS
from sociallab.audit.services import add_and_record, apply_and_record, record, snapshot
from sociallab.extensions import db
from sociallab.spaces.models import Organisation, Space

PERSON_FIELDS = ("organisation_id", "is_admin", "active")
MANDATE_FIELDS = ("user_id", "organisation_id", "start_date", "end_date", "specialty")
ROLE_FIELDS = ("user_id", "space_id", "role")

PEOPLE_PER_PAGE = 25


# --- people -------------------------------------------------------------------------------

def search_people(text="", organisation_id=None, page=1, per_page=PEOPLE_PER_PAGE):
    """People matching a name or e-mail fragment, optionally of one organisation, a page at a time."""
    query = db.select(User).options(
        joinedload(User.organisation).joinedload(Organisation.country),
        selectinload(User.space_roles).joinedload(SpaceRole.space),
        selectinload(User.mandates).joinedload(VolunteerMandate.organisation).joinedload(Organisation.country)
    ).order_by(User.name, User.id)
    text = (text or "").strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(db.or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\")))
    if organisation_id:
        query = query.where(User.organisation_id == organisation_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=per_page)


def update_person(actor, person, organisation_id, is_admin, active):
    """Change a person's organisation, administrator flag and state; deactivation signs them out."""
    check_admin(actor)
    if person.deleted_at is not None:
        raise AdminError(_("This account was deleted: it cannot be changed or reactivated."), status=409)
    organisation_id = organisation_id or None
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise AdminError(_("Choose an organisation from the list."))
    if person.id == actor.id and (not is_admin or not active):
        raise AdminError(_("You cannot remove your own administrator rights or deactivate yourself."))
    was_active = person.active
    apply_and_record(actor, person, "person.update", PERSON_FIELDS,
                     {"organisation_id": organisation_id, "is_admin": bool(is_admin), "active": bool(active)})
    if was_active and not person.active:
        person.end_all_sessions()
    # A focal point who leaves the organisation (or the platform) no longer speaks for it.
    for organisation in db.session.scalars(db.select(Organisation).where(Organisation.focal_point_id == person.id)):
        if organisation.id != person.organisation_id or not person.active:
            apply_and_record(actor, organisation, "organisation.update", ORGANISATION_FIELDS,
                             {"focal_point_id": None})
    db.session.commit()
    return person


# --- volunteer mandates -------------------------------------------------------------------

def _check_mandate(values):
    if db.session.get(User, values.get("user_id") or 0) is None:
        raise AdminError(_("Choose a person from the list."))
    if db.session.get(Organisation, values.get("organisation_id") or 0) is None:
        raise AdminError(_("Choose an organisation from the list."))
    if not values.get("start_date") or not values.get("end_date") or values["end_date"] <= values["start_date"]:
        raise AdminError(_("The end must come after the start."))


def create_mandate(actor, user_id, organisation_id, start_date, end_date, specialty=""):
    check_admin(actor)
    values = {"user_id": user_id, "organisation_id": organisation_id, "start_date": start_date,
              "end_date": end_date, "specialty": specialty or ""}
    _check_mandate(values)
    mandate = VolunteerMandate(**values)
    add_and_record(actor, mandate, "mandate.create", MANDATE_FIELDS)
    db.session.commit()
    return mandate


def update_mandate(actor, mandate, **values):
    check_admin(actor)
    values = {**{f: getattr(mandate, f) for f in MANDATE_FIELDS}, **values}
    _check_mandate(values)
    apply_and_record(actor, mandate, "mandate.update", MANDATE_FIELDS, values)
    db.session.commit()
    return mandate


def mandates_overview():
    return db.session.scalars(db.select(VolunteerMandate).options(
        joinedload(VolunteerMandate.user), joinedload(VolunteerMandate.organisation).joinedload(Organisation.country))
        .order_by(VolunteerMandate.end_date.desc())).all()


def mandates_ending_soon(organisation=None):
    """Running mandates ending within mandates.ENDING_SOON_DAYS (of one organisation), soonest first."""
    return mandates.ending_soon(organisation_id=organisation.id if organisation is not None else None)


def organisation_mandates(organisation):
    """The organisation's running and upcoming volunteer mandates, as MandateViews, soonest end first."""
    rows = db.session.scalars(db.select(VolunteerMandate).options(joinedload(VolunteerMandate.user))
                              .where(VolunteerMandate.organisation_id == organisation.id,
                                     VolunteerMandate.end_date >= date.today())
                              .order_by(VolunteerMandate.end_date)).all()
    return [mandates.view_of(m) for m in rows]


# --- space roles --------------------------------------------------------------------------

def add_space_role(actor, user_id, role, space_id=None):
    """Make a person moderator or facilitator of one space, or of every space (space_id None)."""
    check_admin(actor)
    space_id = space_id or None
    if role not in SpaceRole.ROLES:
        raise AdminError(_("Choose a role from the list."))
    if db.session.get(User, user_id or 0) is None:
        raise AdminError(_("Choose a person from the list."))
    if space_id is not None and db.session.get(Space, space_id) is None:
        raise AdminError(_("Choose a space from the list."))
    query = db.select(SpaceRole.id).where(SpaceRole.user_id == user_id, SpaceRole.role == role,
                                          SpaceRole.space_id.is_(None) if space_id is None
                                          else SpaceRole.space_id == space_id)
    if db.session.scalar(query) is not None:
        raise AdminError(_("This person already has this role there."))
    space_role = SpaceRole(user_id=user_id, role=role, space_id=space_id)
    add_and_record(actor, space_role, "space_role.add", ROLE_FIELDS, space_id=space_id)
    db.session.commit()
    return space_role


def remove_space_role(actor, space_role):
    check_admin(actor)
    record(actor, "space_role.remove", space_role, before=snapshot(space_role, ROLE_FIELDS),
           space_id=space_role.space_id)
    db.session.delete(space_role)
    db.session.commit()


def space_roles_overview():
    return db.session.scalars(db.select(SpaceRole).join(User).options(
        joinedload(SpaceRole.user), joinedload(SpaceRole.space))
        .order_by(User.name, SpaceRole.role, SpaceRole.id)).all()
