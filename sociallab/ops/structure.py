"""The Lab's real structure: its regions, countries, spaces and core themes, in French, English and Spanish.

`flask sociallab init` creates it on a new platform; the demo builds its fictional partners on it.
"""
from sociallab.extensions import db
from sociallab.spaces.models import Country, Region, Space, Theme

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

# The three rights at the centre of IBCR's work; the Lab's priority themes are added by the
# administrators (the demo adds them too).
CORE_THEMES = [
    ("protection-violence", "Droit à la protection contre toutes les formes de violence",
     "Right to protection from all forms of violence",
     "Derecho a la protección contra toda forma de violencia"),
    ("child-friendly-justice", "Droit à une justice adaptée aux enfants", "Right to child-friendly justice",
     "Derecho a una justicia adaptada a la niñez"),
    ("right-to-be-heard", "Droit d'être entendu et de voir son opinion prise en compte",
     "Right to be heard and have one's views taken into account",
     "Derecho a ser escuchado y a que su opinión se tenga en cuenta"),
]


class _Rows:
    """Existing rows of a model by key, read once (one query, not one per row); missing ones added."""

    def __init__(self, model, key, created):
        self.model, self.key, self.created = model, key, created
        self.rows = {getattr(row, key): row for row in db.session.scalars(db.select(model))}

    def get_or_add(self, value, **fields):
        row = self.rows.get(value)
        if row is None:
            row = self.model(**{self.key: value}, **fields)
            db.session.add(row)
            db.session.flush()
            self.rows[value] = row
            self.created.append(row)
        return row


def add_structure():
    """Add whatever of the Lab's structure is missing to the session; what exists is left as it is
    (an administrator may have renamed it). The caller commits. Returns (countries by iso2, the rows added)."""
    created = []
    regions = _Rows(Region, "code", created)
    for code, fr, en, es in REGIONS:
        regions.get_or_add(code, name_fr=fr, name_en=en, name_es=es)
    countries = _Rows(Country, "iso2", created)
    for iso2, region, fr, en, es, tz in COUNTRIES:
        in_fr, in_en, in_es = PLACES_IN[iso2]
        countries.get_or_add(iso2, region_id=regions.rows[region].id, name_fr=fr, name_en=en, name_es=es,
                             timezone=tz, name_in_fr=in_fr, name_in_en=in_en, name_in_es=in_es)
    spaces = _Rows(Space, "slug", created)
    spaces.get_or_add(
        "international", kind=Space.INTERNATIONAL,
        name_fr="International", name_en="International", name_es="Internacional",
        description_fr="L'espace commun à tous les partenaires du Laboratoire social.",
        description_en="The space shared by every partner of the Social Laboratory.",
        description_es="El espacio común a todos los socios del Laboratorio social.")
    for code, _fr, _en, _es in REGIONS:
        region = regions.rows[code]
        spaces.get_or_add(
            f"region-{code}", kind=Space.REGIONAL, region_id=region.id,
            name_fr=region.name_fr, name_en=region.name_en, name_es=region.name_es,
            description_fr=f"Les partenaires de la région {region.name_fr}.",
            description_en=f"The partners of the {region.name_en} region.",
            description_es=f"Los socios de la región {region.name_es}.")
    for iso2, *_rest in COUNTRIES:
        country = countries.rows[iso2]
        spaces.get_or_add(
            f"country-{iso2}", kind=Space.NATIONAL, country_id=country.id,
            name_fr=country.name_fr, name_en=country.name_en, name_es=country.name_es,
            description_fr=f"Les partenaires nationaux {country.place_in('fr')}.",
            description_en=f"The national partners {country.place_in('en')}.",
            description_es=f"Los socios nacionales {country.place_in('es')}.")
    themes = _Rows(Theme, "code", created)
    for code, fr, en, es in CORE_THEMES:
        themes.get_or_add(code, label_fr=fr, label_en=en, label_es=es)
    return {iso2: countries.rows[iso2] for iso2, *_rest in COUNTRIES}, created
