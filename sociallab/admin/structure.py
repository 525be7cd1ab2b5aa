"""The Lab's structure as administrators change it: regions, countries, spaces, partner organisations, themes.

Each change is one unit of work: check_admin, the Lab's rules (an AdminError says what to fix),
the change and its audit entry, then the commit. The *_FIELDS tuples name what each form edits
and what the audit log records of it; the views read the forms' values through them.
"""
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from sociallab.accounts.models import User
from sociallab.admin.checks import AdminError, check_admin, exists
from sociallab.audit.services import add_and_record, apply_and_record, record, snapshot
from sociallab.extensions import db
from sociallab.forums.services import give_default_category
from sociallab.spaces.models import Country, Organisation, Region, Space, Theme
from sociallab.spaces.services import StructureError, check_partner_capacity

REGION_FIELDS = ("code", "name_fr", "name_en", "name_es")
COUNTRY_FIELDS = ("iso2", "region_id", "name_fr", "name_en", "name_es", "name_in_fr", "name_in_en", "name_in_es",
                  "timezone")
SPACE_FIELDS = ("slug", "kind", "region_id", "country_id", "name_fr", "name_en", "name_es",
                "description_fr", "description_en", "description_es", "archived")
ORGANISATION_FIELDS = ("name", "country_id", "kind", "focal_point_id", "active")
THEME_FIELDS = ("code", "label_fr", "label_en", "label_es", "active")


# --- regions and countries ----------------------------------------------------------------

def _check_region_code(code, region=None):
    if exists(Region, exclude=region, code=code):
        raise AdminError(_("A region with the code %(code)s already exists.", code=code))


def create_region(actor, code, name_fr, name_en, name_es):
    """A new region, with its regional space."""
    check_admin(actor)
    code = code.strip().lower()
    _check_region_code(code)
    region = Region(code=code, name_fr=name_fr.strip(), name_en=name_en.strip(), name_es=name_es.strip())
    add_and_record(actor, region, "region.create", REGION_FIELDS)
    _add_space(actor, kind=Space.REGIONAL, slug=_free_slug(f"region-{code}"), region_id=region.id,
               name_fr=region.name_fr, name_en=region.name_en, name_es=region.name_es)
    db.session.commit()
    return region


def regions_overview():
    return db.session.scalars(db.select(Region).order_by(Region.code)).all()


def update_region(actor, region, **values):
    check_admin(actor)
    values["code"] = values.get("code", region.code).strip().lower()
    _check_region_code(values["code"], region)
    apply_and_record(actor, region, "region.update", REGION_FIELDS, values)
    db.session.commit()
    return region


def _check_country(iso2, values, country=None):
    if exists(Country, exclude=country, iso2=iso2):
        raise AdminError(_("A country with the code %(code)s already exists.", code=iso2.upper()))
    if (country is None or "region_id" in values) and db.session.get(Region, values.get("region_id") or 0) is None:
        raise AdminError(_("Choose a region from the list."))


def create_country(actor, iso2, region_id, name_fr, name_en, name_es, timezone,
                   name_in_fr="", name_in_en="", name_in_es=""):
    """A new country, with its national space (empty until partners are added)."""
    check_admin(actor)
    iso2 = iso2.strip().lower()
    _check_country(iso2, {"region_id": region_id})
    country = Country(iso2=iso2, region_id=region_id, name_fr=name_fr.strip(), name_en=name_en.strip(),
                      name_es=name_es.strip(), timezone=timezone, name_in_fr=(name_in_fr or "").strip(),
                      name_in_en=(name_in_en or "").strip(), name_in_es=(name_in_es or "").strip())
    add_and_record(actor, country, "country.create", COUNTRY_FIELDS)
    _add_space(actor, kind=Space.NATIONAL, slug=_free_slug(f"country-{iso2}"), country_id=country.id,
               name_fr=country.name_fr, name_en=country.name_en, name_es=country.name_es)
    db.session.commit()
    return country


def update_country(actor, country, **values):
    check_admin(actor)
    values["iso2"] = values.get("iso2", country.iso2).strip().lower()
    _check_country(values["iso2"], values, country)
    apply_and_record(actor, country, "country.update", COUNTRY_FIELDS, values)
    db.session.commit()
    return country


def countries_overview():
    """Every country with its region and organisations loaded (for the incomplete mark)."""
    return db.session.scalars(db.select(Country).options(
        joinedload(Country.region), selectinload(Country.organisations)).order_by(Country.iso2)).all()


# --- spaces -------------------------------------------------------------------------------

def _free_slug(slug):
    candidate, n = slug, 1
    while exists(Space, slug=candidate):
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def _check_space(values, space=None):
    kind = values.get("kind")
    if kind not in Space.KINDS:
        raise AdminError(_("Choose the kind of space from the list."))
    if exists(Space, exclude=space, slug=values.get("slug")):
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


def _add_space(actor, **values):
    space = Space(**{"description_fr": "", "description_en": "", "description_es": "", "archived": False,
                     **values})
    db.session.add(space)
    db.session.flush()  # a space's entry is filed under the space itself, whose id the flush gives
    record(actor, "space.create", space, after=snapshot(space, SPACE_FIELDS), space_id=space.id)
    # Its members can start a thread from the first day, before a moderator plans the categories.
    give_default_category(space, actor, current_app.config["BABEL_DEFAULT_LOCALE"])
    return space


def create_space(actor, **values):
    check_admin(actor)
    values = {k: v for k, v in values.items() if k in SPACE_FIELDS}
    values["slug"] = (values.get("slug") or "").strip().lower()
    _check_space(values)
    space = _add_space(actor, **values)
    db.session.commit()
    return space


def update_space(actor, space, **values):
    check_admin(actor)
    values = {k: v for k, v in values.items() if k in SPACE_FIELDS}
    values["slug"] = (values.get("slug") or space.slug).strip().lower()
    _check_space(values, space)
    action = "space.update"
    if values.get("archived") is not None and values["archived"] != space.archived:
        action = "space.archive" if values["archived"] else "space.unarchive"
    apply_and_record(actor, space, action, SPACE_FIELDS, values, space_id=space.id)
    db.session.commit()
    return space


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
    if exists(Organisation, exclude=organisation, country_id=country.id, name=name):
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
    check_admin(actor)
    values = {"name": name, "country_id": country_id, "kind": kind, "active": bool(active), "focal_point_id": None}
    _check_organisation(values)
    organisation = Organisation(**values)
    add_and_record(actor, organisation, "organisation.create", ORGANISATION_FIELDS)
    db.session.commit()
    return organisation


def update_organisation(actor, organisation, **values):
    check_admin(actor)
    values = {k: v for k, v in values.items() if k in ORGANISATION_FIELDS}
    values["active"] = bool(values.get("active", organisation.active))
    _check_organisation(values, organisation)
    apply_and_record(actor, organisation, "organisation.update", ORGANISATION_FIELDS, values)
    db.session.commit()
    return organisation


def organisations_overview():
    """Every organisation with its country and focal point, and {organisation id: active members}."""
    organisations = db.session.scalars(db.select(Organisation).join(Country).options(
        joinedload(Organisation.country), joinedload(Organisation.focal_point))
        .order_by(Country.iso2, Organisation.name)).all()
    counts = dict(db.session.execute(
        db.select(User.organisation_id, db.func.count(User.id)).where(User.active.is_(True))
        .group_by(User.organisation_id)).all())
    return organisations, counts


# --- themes -------------------------------------------------------------------------------

def _check_theme_code(code, theme=None):
    if exists(Theme, exclude=theme, code=code):
        raise AdminError(_("A theme with the code %(code)s already exists.", code=code))


def create_theme(actor, code, label_fr, label_en, label_es, active=True):
    check_admin(actor)
    code = code.strip().lower()
    _check_theme_code(code)
    theme = Theme(code=code, label_fr=label_fr.strip(), label_en=label_en.strip(), label_es=label_es.strip(),
                  active=bool(active))
    add_and_record(actor, theme, "theme.create", THEME_FIELDS)
    db.session.commit()
    return theme


def themes_overview():
    """Active themes first, each group by code."""
    return db.session.scalars(db.select(Theme).order_by(Theme.active.desc(), Theme.code)).all()


def update_theme(actor, theme, **values):
    check_admin(actor)
    values["code"] = values.get("code", theme.code).strip().lower()
    _check_theme_code(values["code"], theme)
    apply_and_record(actor, theme, "theme.update", THEME_FIELDS, values)
    db.session.commit()
    return theme
