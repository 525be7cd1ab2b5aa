"""Demo data: the Lab's real structure with fictional partners and accounts for every role.

Only for an empty development database (`flask sociallab seed-demo` asks check_demo_allowed), and
a production server refuses to start while an account opens with the demo password
(refuse_demo_passwords). seed_demo itself changes nothing that is already there. Each domain may add
its own demo content in `sociallab/<domain>/demo.py` with a `seed()` function, called after the structure.
"""
import importlib
import logging
from datetime import date, timedelta

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

import config
from sociallab.accounts.models import SpaceRole, User, VolunteerMandate
from sociallab.accounts.passwords import verify_password
from sociallab.accounts.services import create_user
from sociallab.extensions import db
from sociallab.ops.structure import CORE_THEMES, COUNTRIES, PLACES_IN, REGIONS, add_structure
from sociallab.spaces.models import Organisation, Space, Theme

__all__ = ["COUNTRIES", "PLACES_IN", "REGIONS", "THEMES", "DemoRefused", "check_demo_allowed", "demo_accounts",
           "accounts_with_demo_password", "refuse_demo_passwords", "seed_accounts", "seed_demo", "seed_structure"]

# Clearly fictional partner organisations: (country, name, kind).
PARTNERS = [
    ("bf", "Association Fictive Enfance Sahel", "civil_society"),
    ("bf", "Direction Exemple de la Protection de l'Enfant (BF)", "state_institution"),
    ("bf", "École Fictive de Police de Ouagadougou", "state_institution"),
    ("ci", "ONG Exemple Droits de l'Enfant Lagunes", "civil_society"),
    ("ci", "Institut Fictif de Formation Judiciaire (CI)", "state_institution"),
    ("mg", "Fikambanana Fictive ho an'ny Ankizy", "civil_society"),
    ("mg", "Brigade Exemple des Mineurs (MG)", "state_institution"),
    ("mg", "Tribunal Fictif pour Enfants d'Antananarivo", "state_institution"),
    ("sn", "Réseau Fictif Enfance Teranga", "civil_society"),
    ("sn", "Centre Exemple d'Écoute de Dakar", "civil_society"),
    ("sn", "Direction Fictive de l'Éducation Surveillée (SN)", "state_institution"),
    ("sn", "Gendarmerie Exemple — Brigade des Mineurs (SN)", "state_institution"),
    ("tg", "Association Exemple Jeunesse Lomé", "civil_society"),
    ("tg", "Ministère Fictif de l'Action Sociale (TG)", "state_institution"),
    ("ma", "Association Fictive Atlas pour l'Enfance", "civil_society"),
    ("ma", "Observatoire Exemple des Droits de l'Enfant (MA)", "state_institution"),
    ("tn", "Association Exemple Carthage Enfance", "civil_society"),
    ("tn", "Délégation Fictive à la Protection de l'Enfance (TN)", "state_institution"),
    ("co", "Fundación Ficticia Niñez Andina", "civil_society"),
    ("co", "Instituto Ejemplo de Bienestar Familiar (CO)", "state_institution"),
    ("co", "Policía Ficticia de Infancia y Adolescencia (CO)", "state_institution"),
    ("cr", "Asociación Ejemplo Niñez Tica", "civil_society"),
    ("cr", "Patronato Ficticio de la Infancia (CR)", "state_institution"),
    ("hn", "Red Ficticia de Protección Infantil Lempira", "civil_society"),
    ("hn", "Fiscalía Ejemplo de la Niñez (HN)", "state_institution"),
    ("hn", "Casa Alianza Ficticia (HN)", "civil_society"),
    ("pe", "Asociación Ficticia Niñez del Rímac", "civil_society"),
    ("pe", "Escuela Ejemplo del Ministerio Público (PE)", "state_institution"),
    ("pe", "Defensoría Ficticia del Niño Andino", "civil_society"),
]

# The Lab's own priority themes, beside the three core rights (sociallab/ops/structure.py).
PRIORITY_THEMES = [
    ("participation", "Participation", "Participation", "Participación"),
    ("sexual-reproductive-education", "Éducation sexuelle et reproductive", "Sexual and reproductive education",
     "Educación sexual y reproductiva"),
    ("gender-equality", "Égalité entre les genres", "Gender equality", "Igualdad de género"),
    ("justice-for-children", "Justice pour enfants", "Justice for children", "Justicia para la niñez"),
    ("child-labour", "Travail des enfants", "Child labour", "Trabajo infantil"),
    ("sgbv", "Violences sexuelles et basées sur le genre", "Sexual and gender-based violence",
     "Violencia sexual y basada en género"),
]
THEMES = CORE_THEMES + PRIORITY_THEMES

LANGUAGE_BY_REGION = {"ssa": "fr", "na": "fr", "la": "es"}


def _get_or_create(model, defaults=None, **keys):
    """The row with these key values, created with `defaults` when missing.

    Existing rows of a model are read once per seeding run (one query, not one per row).
    """
    cache = _EXISTING.setdefault(model, {})
    names = tuple(sorted(keys))
    if names not in cache:
        cache[names] = {tuple(getattr(row, n) for n in names): row
                        for row in db.session.scalars(db.select(model))}
    key = tuple(keys[n] for n in names)
    obj = cache[names].get(key)
    if obj is None:
        obj = model(**keys, **(defaults or {}))
        db.session.add(obj)
        db.session.flush()
        cache[names][key] = obj
    return obj


_EXISTING = {}


def seed_structure():
    """The Lab's real structure (sociallab/ops/structure.py), its fictional partners and every theme."""
    _EXISTING.clear()
    countries, _added = add_structure()
    organisations = {}
    for iso2, name, kind in PARTNERS:
        organisations.setdefault(iso2, []).append(
            _get_or_create(Organisation, name=name, country_id=countries[iso2].id, defaults={"kind": kind}))
    for code, fr, en, es in PRIORITY_THEMES:
        _get_or_create(Theme, code=code, defaults={"label_fr": fr, "label_en": en, "label_es": es})
    return countries, organisations


def _account(email, name, description, accounts, **kwargs):
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        user = create_user(email, name, current_app.config["DEMO_PASSWORD"], **kwargs)
        db.session.flush()
    accounts.append((email, description))
    return user


def _role(user, role, space=None):
    _get_or_create(SpaceRole, user_id=user.id, role=role, space_id=space.id if space else None)


# The demo's people live in example.org, a domain reserved for examples (RFC 2606): no real person
# has an address there, so its accounts are told from real ones by their address alone.
DEMO_DOMAIN = "example.org"
DEMO_ADMIN = f"admin@{DEMO_DOMAIN}"
ROLE_ACCOUNTS = {
    DEMO_ADMIN: "administrator (IBCR staff)",
    f"moderator@{DEMO_DOMAIN}": "moderator of every space",
    f"facilitator@{DEMO_DOMAIN}": "facilitator in every space",
    f"volunteer@{DEMO_DOMAIN}": "volunteer, mandate running with a Togo partner",
}
MEMBER_ACCOUNTS = [f"member.{iso2}@{DEMO_DOMAIN}" for iso2, *_rest in COUNTRIES]


def _member_description(organisation):
    return f"partner member, {organisation.name}" if organisation is not None else "partner member"


def seed_accounts(countries, organisations):
    accounts = []
    admin, moderator, facilitator, volunteer = ROLE_ACCOUNTS
    _account(admin, "Awa Administratrice", ROLE_ACCOUNTS[admin], accounts,
             is_admin=True, language="fr", timezone="America/Montreal")
    moderator = _account(moderator, "Marc Modérateur", ROLE_ACCOUNTS[moderator], accounts,
                         language="fr", timezone="America/Montreal")
    _role(moderator, SpaceRole.MODERATOR)
    facilitator = _account(facilitator, "Fatou Facilitatrice", ROLE_ACCOUNTS[facilitator],
                           accounts, language="fr", timezone="Africa/Dakar")
    _role(facilitator, SpaceRole.FACILITATOR)
    volunteer = _account(volunteer, "Valérie Volontaire", ROLE_ACCOUNTS[volunteer], accounts, language="fr",
                         timezone="Africa/Lome")
    if not volunteer.mandates:
        today = date.today()
        db.session.add(VolunteerMandate(user=volunteer, organisation=organisations["tg"][0],
                                        start_date=today - timedelta(days=60),
                                        end_date=today + timedelta(days=240), specialty="communication"))
    for email, (iso2, region, _fr, en, es, tz) in zip(MEMBER_ACCOUNTS, COUNTRIES, strict=True):
        language = LANGUAGE_BY_REGION[region]
        organisation = organisations[iso2][0]
        user = _account(email, f"Membre {en}" if language == "fr" else f"Miembro {es}",
                        _member_description(organisation), accounts,
                        organisation=organisation, language=language, timezone=tz)
        if organisation.focal_point_id is None:
            organisation.focal_point_id = user.id
    return accounts


def seed_demo():
    _EXISTING.clear()
    countries, organisations = seed_structure()
    accounts = seed_accounts(countries, organisations)
    db.session.commit()
    for domain in config.DOMAINS:
        try:
            module = importlib.import_module(f"sociallab.{domain}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"sociallab.{domain}.demo":
                raise
            continue
        module.seed()
        db.session.commit()
    return accounts


class DemoRefused(Exception):
    """The demo may not be loaded into this database; the message says why and what to do instead."""


def check_demo_allowed():
    """Whether seed_demo should run: True into an empty database, False when the demo is already
    there (nothing to write). The demo's accounts share a published password, so it is refused
    (DemoRefused) outside development (SOCIALLAB_ENV=development) and into a database holding
    anything but the demo: a real platform starts with `flask sociallab init`."""
    if not current_app.config["DEVELOPMENT"]:
        raise DemoRefused(
            "The demo is loaded only on a developer's machine (SOCIALLAB_ENV=development): its accounts "
            "share a published password. A real platform starts with `flask sociallab init`.")
    if db.session.scalar(db.select(User.id).where(User.email == DEMO_ADMIN)) is not None:
        return False
    people = db.session.scalar(db.select(db.func.count(User.id)))
    spaces = db.session.scalar(db.select(db.func.count(Space.id)))
    if people or spaces:
        raise DemoRefused(
            f"This database already holds {people} account(s) and {spaces} space(s), and not the demo's: "
            f"the demo goes only into an empty database. Point DATABASE_URL at a new one (unset, it is "
            f"SQLite in instance/), or reset it as README \"Development\" says.")
    return True


def demo_accounts():
    """The demo's accounts this database holds, as seed_demo lists them; nothing is written."""
    emails = [*ROLE_ACCOUNTS, *MEMBER_ACCOUNTS]
    users = {user.email: user for user in db.session.scalars(db.select(User).where(User.email.in_(emails)))}
    return [(email, ROLE_ACCOUNTS.get(email) or _member_description(users[email].organisation))
            for email in emails if email in users]


def accounts_with_demo_password():
    """The e-mail addresses of the accounts (of the demo's domain) that open with the demo password,
    the configured one or the published one. One query, and a hash check only for such accounts."""
    passwords = {current_app.config["DEMO_PASSWORD"], config.PUBLISHED_DEMO_PASSWORD}
    accounts = db.session.execute(db.select(User.email, User.password_hash).where(
        User.email.endswith(f"@{DEMO_DOMAIN}"), User.password_hash.is_not(None)).order_by(User.id)).all()
    return [email for email, password_hash in accounts
            if any(verify_password(password_hash, password) for password in passwords)]


def refuse_demo_passwords(app):
    """Outside development, refuse to start (RuntimeError) while an account opens with the demo
    password: the demo's accounts would let anyone in as an administrator.

    A database that cannot be read yet (before `flask db upgrade`, or down for a moment) is not
    checked: the upgrade must be able to run, and a server restarted during an outage must start.
    """
    with app.app_context():
        try:
            emails = accounts_with_demo_password()
        except SQLAlchemyError as error:
            db.session.rollback()
            logging.getLogger(__name__).warning("accounts not checked for the demo password: %s",
                                                type(error).__name__)
            return
    if emails:
        shown = ", ".join(emails[:4]) + (f" and {len(emails) - 4} more" if len(emails) > 4 else "")
        raise RuntimeError(
            f"{len(emails)} account(s) of this database open with the demo password ({shown}): it holds the "
            f"demo, which a real platform must never serve. Start from an empty database (flask db upgrade, "
            f"then flask sociallab init), or give those accounts other passwords, or delete them "
            f"(SOCIALLAB_ENV=development flask --app wsgi sociallab delete-user EMAIL --without-request).")
