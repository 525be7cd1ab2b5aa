"""Factories for spaces, accounts and the shared world: people, organisations, roles and mandates."""
import itertools
from datetime import date, timedelta
from types import SimpleNamespace

from sociallab.accounts.models import SpaceRole, VolunteerMandate
from sociallab.accounts.services import create_user
from sociallab.extensions import db
from sociallab.spaces.models import Country, Organisation, Space

PASSWORD = "sociallab-demo"
_seq = itertools.count(1)


def user(email=None, organisation=None, name=None, language="en", timezone="UTC", **kwargs):
    n = next(_seq)
    person = create_user(email or f"person{n}@example.org", name or f"Person {n}", PASSWORD,
                         organisation=organisation, language=language, timezone=timezone, **kwargs)
    db.session.flush()
    return person


def organisation(country, name=None, kind=Organisation.CIVIL_SOCIETY):
    org = Organisation(name=name or f"Organisation {next(_seq)}", country=country, kind=kind)
    db.session.add(org)
    db.session.flush()
    return org


def role(person, role_name, space=None):
    db.session.add(SpaceRole(user_id=person.id, role=role_name, space_id=space.id if space else None))
    db.session.flush()


def mandate(person, organisation, running=True):
    today = date.today()
    if running:
        start, end = today - timedelta(days=30), today + timedelta(days=200)
    else:
        start, end = today - timedelta(days=400), today - timedelta(days=30)
    db.session.add(VolunteerMandate(user=person, organisation=organisation, start_date=start, end_date=end))
    db.session.flush()


def space(slug):
    return db.session.scalar(db.select(Space).where(Space.slug == slug))


def country(iso2):
    return db.session.scalar(db.select(Country).where(Country.iso2 == iso2))


def build_world(countries, organisations):
    """One person per role around the Senegal space; Peru is the foreign country."""
    w = SimpleNamespace(countries=countries, organisations=organisations)
    w.international = space("international")
    w.ssa_space = space("region-ssa")
    w.la_space = space("region-la")
    w.sn_space = space("country-sn")
    w.pe_space = space("country-pe")
    w.sn_org = organisations["sn"][0]
    w.pe_org = organisations["pe"][0]
    w.member = user("member.sn@example.org", w.sn_org, name="Aminata Sénégal", language="fr",
                    timezone="Africa/Dakar")
    w.sn_org.focal_point_id = w.member.id
    w.member2 = user("member2.sn@example.org", organisations["sn"][1], name="Moussa Sénégal", language="fr")
    w.other_member = user("member.pe@example.org", w.pe_org, name="Lucía Perú", language="es",
                          timezone="America/Lima")
    w.volunteer_in = user("volunteer.in@example.org", None, name="Vera Volunteer")
    mandate(w.volunteer_in, w.sn_org, running=True)
    w.volunteer_out = user("volunteer.out@example.org", None, name="Otto Formervolunteer")
    mandate(w.volunteer_out, w.sn_org, running=False)
    w.moderator = user("moderator.sn@example.org", None, name="Mona Moderator")
    role(w.moderator, SpaceRole.MODERATOR, w.sn_space)
    w.facilitator = user("facilitator.sn@example.org", None, name="Fred Facilitator")
    role(w.facilitator, SpaceRole.FACILITATOR, w.sn_space)
    w.admin = user("admin@example.org", None, name="Ada Admin", is_admin=True)
    w.roles = {
        "anonymous": None,
        "member": w.member,
        "other_member": w.other_member,
        "volunteer_in": w.volunteer_in,
        "volunteer_out": w.volunteer_out,
        "moderator": w.moderator,
        "facilitator": w.facilitator,
        "admin": w.admin,
    }
    return w


def region_member(world):
    """A member in Burkina Faso: the region of Senegal, another country (committed)."""
    person = user("member.bf@example.org", world.organisations["bf"][0], name="Bintou Faso")
    db.session.commit()
    return person
