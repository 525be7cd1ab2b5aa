"""Questions about the Lab's structure: which spaces a person has, who belongs to a space."""
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.permissions import readable_space_ids
from sociallab.spaces.models import Country, Organisation, Region, Space

KIND_ORDER = {Space.INTERNATIONAL: 0, Space.REGIONAL: 1, Space.NATIONAL: 2}


class StructureError(ServiceError):
    """A change the Lab's structure refuses (a full national space: a conflict with what is there
    already); the message is already translated."""

    status = 409


def spaces_for(user):
    """The spaces a person may read, international first, then regional, then national."""
    ids = readable_space_ids(user)
    if not ids:
        return []
    spaces = db.session.scalars(
        db.select(Space).where(Space.id.in_(ids)).options(selectinload(Space.country), selectinload(Space.region))
    ).all()
    return sorted(spaces, key=lambda s: (KIND_ORDER.get(s.kind, 9), s.name))


def member_organisations(space):
    """The partner organisations whose members belong to the space, with their countries."""
    query = db.select(Organisation).join(Country).where(Organisation.active.is_(True)) \
        .options(selectinload(Organisation.country)).order_by(Country.iso2, Organisation.name)
    if space.kind == Space.NATIONAL:
        query = query.where(Organisation.country_id == space.country_id)
    elif space.kind == Space.REGIONAL:
        query = query.where(Country.region_id == space.region_id)
    return db.session.scalars(query).all()


def check_partner_capacity(country, adding=1, exclude=None):
    """A national space holds at most four partner organisations."""
    count = db.session.scalar(db.select(db.func.count(Organisation.id)).where(
        Organisation.country_id == country.id, Organisation.active.is_(True),
        Organisation.id != (exclude.id if exclude is not None else -1)))
    if count + adding > Space.MAX_NATIONAL_PARTNERS:
        raise StructureError(ngettext(
            "The national space of %(country)s already has %(num)d partner organisation, the most it may hold.",
            "The national space of %(country)s already has %(num)d partner organisations, the most it may hold.",
            Space.MAX_NATIONAL_PARTNERS, country=country.name))


def national_space(country):
    return db.session.scalar(db.select(Space).where(Space.kind == Space.NATIONAL, Space.country_id == country.id))


def regional_space(region):
    return db.session.scalar(db.select(Space).where(Space.kind == Space.REGIONAL, Space.region_id == region.id))


def regions_with_countries():
    return db.session.scalars(db.select(Region).options(
        selectinload(Region.countries).selectinload(Country.organisations)).order_by(Region.code)).all()
