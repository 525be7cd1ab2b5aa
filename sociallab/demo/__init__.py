"""Demo data: the Lab's real structure with fictional partners and accounts for every role.

Running it again changes nothing that is already there. Each domain may add its own demo
content in `sociallab/<domain>/demo.py` with a `seed()` function, called after the structure.
"""
import importlib
from datetime import date, timedelta

from flask import current_app

import config
from sociallab.accounts.models import SpaceRole, User, VolunteerMandate
from sociallab.accounts.services import create_user
from sociallab.extensions import db
from sociallab.spaces.models import Country, Organisation, Region, Space, Theme

REGIONS = [
    ("ssa", "Afrique subsaharienne", "Sub-Saharan Africa", "África subsahariana"),
    ("na", "Afrique du Nord", "North Africa", "África del Norte"),
    ("la", "Amérique latine", "Latin America", "América Latina"),
]

COUNTRIES = [
    ("bf", "ssa", "Burkina Faso", "Burkina Faso", "Burkina Faso", "Africa/Ouagadougou"),
    ("ci", "ssa", "Côte d'Ivoire", "Côte d'Ivoire", "Costa de Marfil", "Africa/Abidjan"),
    ("mg", "ssa", "Madagascar", "Madagascar", "Madagascar", "Indian/Antananarivo"),
    ("sn", "ssa", "Sénégal", "Senegal", "Senegal", "Africa/Dakar"),
    ("tg", "ssa", "Togo", "Togo", "Togo", "Africa/Lome"),
    ("ma", "na", "Maroc", "Morocco", "Marruecos", "Africa/Casablanca"),
    ("tn", "na", "Tunisie", "Tunisia", "Túnez", "Africa/Tunis"),
    ("co", "la", "Colombie", "Colombia", "Colombia", "America/Bogota"),
    ("cr", "la", "Costa Rica", "Costa Rica", "Costa Rica", "America/Costa_Rica"),
    ("hn", "la", "Honduras", "Honduras", "Honduras", "America/Tegucigalpa"),
    ("pe", "la", "Pérou", "Peru", "Perú", "America/Lima"),
]

# "In <country>", as each language writes it in a sentence (French: "en" before a feminine or vowel-initial
# name, "au" before a masculine one, "à" before an island without article, "aux" before a plural).
PLACES_IN = {
    "bf": ("au Burkina Faso", "in Burkina Faso", "en Burkina Faso"),
    "ci": ("en Côte d'Ivoire", "in Côte d'Ivoire", "en Costa de Marfil"),
    "mg": ("à Madagascar", "in Madagascar", "en Madagascar"),
    "sn": ("au Sénégal", "in Senegal", "en Senegal"),
    "tg": ("au Togo", "in Togo", "en Togo"),
    "ma": ("au Maroc", "in Morocco", "en Marruecos"),
    "tn": ("en Tunisie", "in Tunisia", "en Túnez"),
    "co": ("en Colombie", "in Colombia", "en Colombia"),
    "cr": ("au Costa Rica", "in Costa Rica", "en Costa Rica"),
    "hn": ("au Honduras", "in Honduras", "en Honduras"),
    "pe": ("au Pérou", "in Peru", "en el Perú"),
}

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

THEMES = [
    ("protection-violence", "Droit à la protection contre toutes les formes de violence",
     "Right to protection from all forms of violence",
     "Derecho a la protección contra toda forma de violencia"),
    ("child-friendly-justice", "Droit à une justice adaptée aux enfants", "Right to child-friendly justice",
     "Derecho a una justicia adaptada a la niñez"),
    ("right-to-be-heard", "Droit d'être entendu et de voir son opinion prise en compte",
     "Right to be heard and have one's views taken into account",
     "Derecho a ser escuchado y a que su opinión se tenga en cuenta"),
    ("participation", "Participation", "Participation", "Participación"),
    ("sexual-reproductive-education", "Éducation sexuelle et reproductive", "Sexual and reproductive education",
     "Educación sexual y reproductiva"),
    ("gender-equality", "Égalité entre les genres", "Gender equality", "Igualdad de género"),
    ("justice-for-children", "Justice pour enfants", "Justice for children", "Justicia para la niñez"),
    ("child-labour", "Travail des enfants", "Child labour", "Trabajo infantil"),
    ("sgbv", "Violences sexuelles et basées sur le genre", "Sexual and gender-based violence",
     "Violencia sexual y basada en género"),
]

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
    _EXISTING.clear()
    regions = {}
    for code, fr, en, es in REGIONS:
        regions[code] = _get_or_create(Region, code=code, defaults={"name_fr": fr, "name_en": en, "name_es": es})
    countries = {}
    for iso2, region, fr, en, es, tz in COUNTRIES:
        in_fr, in_en, in_es = PLACES_IN[iso2]
        countries[iso2] = _get_or_create(Country, iso2=iso2, defaults={
            "region_id": regions[region].id, "name_fr": fr, "name_en": en, "name_es": es, "timezone": tz,
            "name_in_fr": in_fr, "name_in_en": in_en, "name_in_es": in_es})
    _get_or_create(Space, slug="international", defaults={
        "kind": Space.INTERNATIONAL, "name_fr": "International", "name_en": "International", "name_es": "Internacional",
        "description_fr": "L'espace commun à tous les partenaires du Laboratoire social.",
        "description_en": "The space shared by every partner of the Social Laboratory.",
        "description_es": "El espacio común a todos los socios del Laboratorio social."})
    for code, region in regions.items():
        _get_or_create(Space, slug=f"region-{code}", defaults={
            "kind": Space.REGIONAL, "region_id": region.id,
            "name_fr": region.name_fr, "name_en": region.name_en, "name_es": region.name_es,
            "description_fr": f"Les partenaires de la région {region.name_fr}.",
            "description_en": f"The partners of the {region.name_en} region.",
            "description_es": f"Los socios de la región {region.name_es}."})
    for iso2, country in countries.items():
        _get_or_create(Space, slug=f"country-{iso2}", defaults={
            "kind": Space.NATIONAL, "country_id": country.id,
            "name_fr": country.name_fr, "name_en": country.name_en, "name_es": country.name_es,
            "description_fr": f"Les partenaires nationaux {country.place_in('fr')}.",
            "description_en": f"The national partners {country.place_in('en')}.",
            "description_es": f"Los socios nacionales {country.place_in('es')}."})
    organisations = {}
    for iso2, name, kind in PARTNERS:
        organisations.setdefault(iso2, []).append(
            _get_or_create(Organisation, name=name, country_id=countries[iso2].id, defaults={"kind": kind}))
    for code, fr, en, es in THEMES:
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


def seed_accounts(countries, organisations):
    accounts = []
    _account("admin@example.org", "Awa Administratrice", "administrator (IBCR staff)", accounts,
             is_admin=True, language="fr", timezone="America/Montreal")
    moderator = _account("moderator@example.org", "Marc Modérateur", "moderator of every space", accounts,
                         language="fr", timezone="America/Montreal")
    _role(moderator, SpaceRole.MODERATOR)
    facilitator = _account("facilitator@example.org", "Fatou Facilitatrice", "facilitator in every space",
                           accounts, language="fr", timezone="Africa/Dakar")
    _role(facilitator, SpaceRole.FACILITATOR)
    volunteer = _account("volunteer@example.org", "Valérie Volontaire",
                         "volunteer, mandate running with a Togo partner", accounts, language="fr",
                         timezone="Africa/Lome")
    if not volunteer.mandates:
        today = date.today()
        db.session.add(VolunteerMandate(user=volunteer, organisation=organisations["tg"][0],
                                        start_date=today - timedelta(days=60),
                                        end_date=today + timedelta(days=240), specialty="communication"))
    for iso2, region, _fr, en, es, tz in COUNTRIES:
        language = LANGUAGE_BY_REGION[region]
        organisation = organisations[iso2][0]
        user = _account(f"member.{iso2}@example.org", f"Membre {en}" if language == "fr" else f"Miembro {es}",
                        f"partner member, {organisation.name}", accounts,
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
