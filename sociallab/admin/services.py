"""Administrative changes to the Lab's structure, people and roles, each written to the audit log.

Every function takes plain values, changes the session and records an audit entry in the same
transaction; the caller commits. Refusals raise AdminError with a translated message.
"""
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from sociallab.accounts.models import Invitation, SpaceRole, User, VolunteerMandate
from sociallab.audit.models import AuditEntry
from sociallab.audit.services import record, snapshot
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.spaces.models import Country, Organisation, Region, Space, Theme
from sociallab.spaces.services import StructureError, check_partner_capacity

REGION_FIELDS = ("code", "name_fr", "name_en", "name_es")
COUNTRY_FIELDS = ("iso2", "region_id", "name_fr", "name_en", "name_es", "timezone")
SPACE_FIELDS = ("slug", "kind", "region_id", "country_id", "name_fr", "name_en", "name_es",
                "description_fr", "description_en", "description_es", "archived")
ORGANISATION_FIELDS = ("name", "country_id", "kind", "focal_point_id", "active")
PERSON_FIELDS = ("organisation_id", "is_admin", "active")
MANDATE_FIELDS = ("user_id", "organisation_id", "start_date", "end_date", "specialty")
ROLE_FIELDS = ("user_id", "space_id", "role")
THEME_FIELDS = ("code", "label_fr", "label_en", "label_es", "active")
INVITATION_FIELDS = ("email", "organisation_id", "language", "expires_at")

PEOPLE_PER_PAGE = 25
AUDIT_PER_PAGE = 50


class AdminError(Exception):
    """A change the administration refuses; the message is already translated."""


def _assign(obj, values, fields):
    for field in fields:
        if field in values:
            setattr(obj, field, values[field])


def _exists(model, exclude=None, **keys):
    query = db.select(model.id).filter_by(**keys)
    if exclude is not None and exclude.id is not None:
        query = query.where(model.id != exclude.id)
    return db.session.scalar(query.limit(1)) is not None


def _update(actor, obj, action, fields, values, space_id=None):
    """Apply values to obj and record before/after of what changed (nothing when nothing did)."""
    before = snapshot(obj, fields)
    _assign(obj, values, fields)
    db.session.flush()
    after = snapshot(obj, fields)
    changed = [f for f in fields if before[f] != after[f]]
    if changed:
        record(actor, action, obj, before={f: before[f] for f in changed},
               after={f: after[f] for f in changed}, space_id=space_id)
    return obj


# --- regions and countries ----------------------------------------------------------------

def create_region(actor, code, name_fr, name_en, name_es):
    """A new region, with its regional space."""
    code = code.strip().lower()
    if _exists(Region, code=code):
        raise AdminError(_("A region with the code %(code)s already exists.", code=code))
    region = Region(code=code, name_fr=name_fr.strip(), name_en=name_en.strip(), name_es=name_es.strip())
    db.session.add(region)
    db.session.flush()
    record(actor, "region.create", region, after=snapshot(region, REGION_FIELDS))
    _create_space(actor, kind=Space.REGIONAL, slug=_free_slug(f"region-{code}"), region_id=region.id,
                  name_fr=region.name_fr, name_en=region.name_en, name_es=region.name_es)
    return region


def update_region(actor, region, **values):
    code = values.get("code", region.code).strip().lower()
    if _exists(Region, exclude=region, code=code):
        raise AdminError(_("A region with the code %(code)s already exists.", code=code))
    values["code"] = code
    return _update(actor, region, "region.update", REGION_FIELDS, values)


def create_country(actor, iso2, region_id, name_fr, name_en, name_es, timezone):
    """A new country, with its national space (empty until partners are added)."""
    iso2 = iso2.strip().lower()
    if _exists(Country, iso2=iso2):
        raise AdminError(_("A country with the code %(code)s already exists.", code=iso2.upper()))
    if db.session.get(Region, region_id) is None:
        raise AdminError(_("Choose a region from the list."))
    country = Country(iso2=iso2, region_id=region_id, name_fr=name_fr.strip(), name_en=name_en.strip(),
                      name_es=name_es.strip(), timezone=timezone)
    db.session.add(country)
    db.session.flush()
    record(actor, "country.create", country, after=snapshot(country, COUNTRY_FIELDS))
    _create_space(actor, kind=Space.NATIONAL, slug=_free_slug(f"country-{iso2}"), country_id=country.id,
                  name_fr=country.name_fr, name_en=country.name_en, name_es=country.name_es)
    return country


def update_country(actor, country, **values):
    iso2 = values.get("iso2", country.iso2).strip().lower()
    if _exists(Country, exclude=country, iso2=iso2):
        raise AdminError(_("A country with the code %(code)s already exists.", code=iso2.upper()))
    if "region_id" in values and db.session.get(Region, values["region_id"]) is None:
        raise AdminError(_("Choose a region from the list."))
    values["iso2"] = iso2
    return _update(actor, country, "country.update", COUNTRY_FIELDS, values)


def countries_overview():
    """Every country with its region and organisations loaded (for the incomplete mark)."""
    return db.session.scalars(db.select(Country).options(
        joinedload(Country.region), selectinload(Country.organisations)).order_by(Country.iso2)).all()


# --- spaces -------------------------------------------------------------------------------

def _free_slug(slug):
    candidate, n = slug, 1
    while _exists(Space, slug=candidate):
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def _check_space(values, space=None):
    kind = values.get("kind")
    if kind not in Space.KINDS:
        raise AdminError(_("Choose the kind of space from the list."))
    if _exists(Space, exclude=space, slug=values.get("slug")):
        raise AdminError(_("Another space already has the address %(slug)s.", slug=values.get("slug")))
    # A space is not bound to one country: only a national space has one, only a regional one a region.
    if kind == Space.REGIONAL:
        if db.session.get(Region, values.get("region_id") or 0) is None:
            raise AdminError(_("A regional space needs its region."))
        values["country_id"] = None
    elif kind == Space.NATIONAL:
        if db.session.get(Country, values.get("country_id") or 0) is None:
            raise AdminError(_("A national space needs its country."))
        values["region_id"] = None
    else:
        values["region_id"] = values["country_id"] = None
    if kind == Space.NATIONAL and values.get("country_id") and not values.get("archived"):
        query = db.select(Space.id).where(Space.kind == Space.NATIONAL, Space.archived.is_(False),
                                          Space.country_id == values["country_id"])
        if space is not None:
            query = query.where(Space.id != space.id)
        if db.session.scalar(query.limit(1)) is not None:
            raise AdminError(_("This country already has its national space."))


def _create_space(actor, **values):
    space = Space(**{"description_fr": "", "description_en": "", "description_es": "", "archived": False,
                     **values})
    db.session.add(space)
    db.session.flush()
    record(actor, "space.create", space, after=snapshot(space, SPACE_FIELDS), space_id=space.id)
    return space


def create_space(actor, **values):
    values = {k: v for k, v in values.items() if k in SPACE_FIELDS}
    values["slug"] = (values.get("slug") or "").strip().lower()
    _check_space(values)
    return _create_space(actor, **values)


def update_space(actor, space, **values):
    values = {k: v for k, v in values.items() if k in SPACE_FIELDS}
    values["slug"] = (values.get("slug") or space.slug).strip().lower()
    _check_space(values, space)
    action = "space.update"
    if values.get("archived") is not None and values["archived"] != space.archived:
        action = "space.archive" if values["archived"] else "space.unarchive"
    return _update(actor, space, action, SPACE_FIELDS, values, space_id=space.id)


def spaces_overview():
    spaces = db.session.scalars(db.select(Space).options(
        joinedload(Space.region), joinedload(Space.country))).all()
    order = {Space.INTERNATIONAL: 0, Space.REGIONAL: 1, Space.NATIONAL: 2}
    return sorted(spaces, key=lambda s: (s.archived, order.get(s.kind, 9), s.name))


# --- organisations ------------------------------------------------------------------------

def _check_organisation(values, organisation=None):
    country = db.session.get(Country, values.get("country_id") or 0)
    if country is None:
        raise AdminError(_("Choose a country from the list."))
    if values.get("kind") not in Organisation.KINDS:
        raise AdminError(_("Choose the kind of organisation from the list."))
    name = values["name"] = (values.get("name") or "").strip()
    if _exists(Organisation, exclude=organisation, country_id=country.id, name=name):
        raise AdminError(_("%(country)s already has an organisation named %(name)s.",
                           country=country.name, name=name))
    becomes_partner = values.get("active") and (
        organisation is None or not organisation.active or organisation.country_id != country.id)
    if becomes_partner:
        try:
            check_partner_capacity(country, exclude=organisation)
        except StructureError as error:
            raise AdminError(str(error)) from None
    focal_point_id = values.get("focal_point_id")
    if focal_point_id:
        person = db.session.get(User, focal_point_id)
        if person is None or organisation is None or person.organisation_id != organisation.id:
            raise AdminError(_("The focal point must be a member of the organisation."))
    else:
        values["focal_point_id"] = None


def create_organisation(actor, name, country_id, kind, active=True):
    values = {"name": name, "country_id": country_id, "kind": kind, "active": bool(active), "focal_point_id": None}
    _check_organisation(values)
    organisation = Organisation(**values)
    db.session.add(organisation)
    db.session.flush()
    record(actor, "organisation.create", organisation, after=snapshot(organisation, ORGANISATION_FIELDS))
    return organisation


def update_organisation(actor, organisation, **values):
    values = {k: v for k, v in values.items() if k in ORGANISATION_FIELDS}
    values["active"] = bool(values.get("active", organisation.active))
    _check_organisation(values, organisation)
    return _update(actor, organisation, "organisation.update", ORGANISATION_FIELDS, values)


def organisations_overview():
    organisations = db.session.scalars(db.select(Organisation).join(Country).options(
        joinedload(Organisation.country), joinedload(Organisation.focal_point))
        .order_by(Country.iso2, Organisation.name)).all()
    counts = dict(db.session.execute(
        db.select(User.organisation_id, db.func.count(User.id)).where(User.active.is_(True))
        .group_by(User.organisation_id)).all())
    return organisations, counts


# --- people -------------------------------------------------------------------------------

def search_people(text="", organisation_id=None, page=1, per_page=PEOPLE_PER_PAGE):
    """People matching a name or e-mail fragment, optionally of one organisation, a page at a time."""
    query = db.select(User).options(
        joinedload(User.organisation).joinedload(Organisation.country),
        selectinload(User.space_roles).joinedload(SpaceRole.space),
        selectinload(User.mandates)).order_by(User.name, User.id)
    text = (text or "").strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(db.or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\")))
    if organisation_id:
        query = query.where(User.organisation_id == organisation_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=per_page)


def update_person(actor, person, organisation_id, is_admin, active):
    """Change a person's organisation, administrator flag and state; deactivation signs them out."""
    organisation_id = organisation_id or None
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise AdminError(_("Choose an organisation from the list."))
    if person.id == actor.id and (not is_admin or not active):
        raise AdminError(_("You cannot remove your own administrator rights or deactivate yourself."))
    was_active = person.active
    person = _update(actor, person, "person.update", PERSON_FIELDS,
                     {"organisation_id": organisation_id, "is_admin": bool(is_admin), "active": bool(active)})
    if was_active and not person.active:
        person.end_all_sessions()
    # A focal point who leaves the organisation (or the platform) no longer speaks for it.
    for organisation in db.session.scalars(db.select(Organisation).where(Organisation.focal_point_id == person.id)):
        if organisation.id != person.organisation_id or not person.active:
            _update(actor, organisation, "organisation.update", ORGANISATION_FIELDS, {"focal_point_id": None})
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
    values = {"user_id": user_id, "organisation_id": organisation_id, "start_date": start_date,
                  "end_date": end_date, "specialty": specialty or ""}
    _check_mandate(values)
    mandate = VolunteerMandate(**values)
    db.session.add(mandate)
    db.session.flush()
    record(actor, "mandate.create", mandate, after=snapshot(mandate, MANDATE_FIELDS))
    return mandate


def update_mandate(actor, mandate, **values):
    values = {**{f: getattr(mandate, f) for f in MANDATE_FIELDS}, **values}
    _check_mandate(values)
    return _update(actor, mandate, "mandate.update", MANDATE_FIELDS, values)


def mandates_overview():
    return db.session.scalars(db.select(VolunteerMandate).options(
        joinedload(VolunteerMandate.user), joinedload(VolunteerMandate.organisation).joinedload(Organisation.country))
        .order_by(VolunteerMandate.end_date.desc())).all()


# --- space roles --------------------------------------------------------------------------

def add_space_role(actor, user_id, role, space_id=None):
    """Make a person moderator or facilitator of one space, or of every space (space_id None)."""
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
    db.session.add(space_role)
    db.session.flush()
    record(actor, "space_role.add", space_role, after=snapshot(space_role, ROLE_FIELDS), space_id=space_id)
    return space_role


def remove_space_role(actor, space_role):
    record(actor, "space_role.remove", space_role, before=snapshot(space_role, ROLE_FIELDS),
           space_id=space_role.space_id)
    db.session.delete(space_role)


def space_roles_overview():
    return db.session.scalars(db.select(SpaceRole).join(User).options(
        joinedload(SpaceRole.user), joinedload(SpaceRole.space))
        .order_by(User.name, SpaceRole.role, SpaceRole.id)).all()


# --- themes -------------------------------------------------------------------------------

def create_theme(actor, code, label_fr, label_en, label_es, active=True):
    code = code.strip().lower()
    if _exists(Theme, code=code):
        raise AdminError(_("A theme with the code %(code)s already exists.", code=code))
    theme = Theme(code=code, label_fr=label_fr.strip(), label_en=label_en.strip(), label_es=label_es.strip(),
                  active=bool(active))
    db.session.add(theme)
    db.session.flush()
    record(actor, "theme.create", theme, after=snapshot(theme, THEME_FIELDS))
    return theme


def update_theme(actor, theme, **values):
    code = values.get("code", theme.code).strip().lower()
    if _exists(Theme, exclude=theme, code=code):
        raise AdminError(_("A theme with the code %(code)s already exists.", code=code))
    values["code"] = code
    return _update(actor, theme, "theme.update", THEME_FIELDS, values)


# --- the dashboard and the audit log ------------------------------------------------------

def dashboard_figures():
    def count(model, *where):
        return db.session.scalar(db.select(db.func.count(model.id)).where(*where))
    return {
        "regions": count(Region),
        "countries": count(Country),
        "spaces": count(Space, Space.archived.is_(False)),
        "organisations": count(Organisation, Organisation.active.is_(True)),
        "people": count(User, User.active.is_(True)),
        "mandates": count(VolunteerMandate, VolunteerMandate.end_date >= utcnow().date()),
        "roles": count(SpaceRole),
        "themes": count(Theme, Theme.active.is_(True)),
        "invitations": count(Invitation, Invitation.used_at.is_(None), Invitation.expires_at > utcnow()),
    }


def audit_entries(action=None, actor_id=None, page=1, per_page=AUDIT_PER_PAGE):
    """Audit entries, newest first, with their actors loaded in the same query."""
    query = db.select(AuditEntry).options(joinedload(AuditEntry.actor)) \
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=per_page)


def recent_audit_entries(limit=8):
    return db.session.scalars(db.select(AuditEntry).options(joinedload(AuditEntry.actor))
                              .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)).all()


def audit_filter_choices():
    """The actions and the people that appear in the log, for its filters."""
    actions = db.session.scalars(db.select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    actors = db.session.execute(
        db.select(User.id, User.name).where(User.id.in_(db.select(AuditEntry.actor_id).distinct()))
        .order_by(User.name)).all()
    return actions, [(uid, name) for uid, name in actors]


# What an audit entry's target is called, for the types the administration knows.
_TARGET_LABELS = {
    "User": (User, lambda o: o.name),
    "Organisation": (Organisation, lambda o: o.name),
    "Country": (Country, lambda o: o.name),
    "Region": (Region, lambda o: o.name),
    "Space": (Space, lambda o: o.name),
    "Theme": (Theme, lambda o: o.label),
}


def target_labels(entries):
    """{(target_type, target_id): name} for the entries' targets, one query per type (not per entry)."""
    wanted = {}
    for entry in entries:
        if entry.target_type in _TARGET_LABELS and entry.target_id is not None:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    labels = {}
    for target_type, ids in wanted.items():
        model, label = _TARGET_LABELS[target_type]
        for obj in db.session.scalars(db.select(model).where(model.id.in_(ids))):
            labels[(target_type, obj.id)] = label(obj)
    for entry in entries:
        # Removed targets (a revoked invitation) are named by what the entry kept of them.
        kept = (entry.before or {}).get("email") or (entry.after or {}).get("email")
        if kept:
            labels.setdefault((entry.target_type, entry.target_id), kept)
    return labels


def changes(entry):
    """(field, before, after) for each field of an audit entry, in a stable order."""
    before, after = entry.before or {}, entry.after or {}
    fields = list(before) + [f for f in after if f not in before]
    return [(f, before.get(f), after.get(f)) for f in fields]
