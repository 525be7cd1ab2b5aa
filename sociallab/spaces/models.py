"""Regions, countries, spaces, partner organisations and themes: the Lab's structure, as data."""
from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sociallab.extensions import db
from sociallab.i18n import current_language, localized


class LocalizedNameMixin:
    name_fr: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    name_es: Mapped[str] = mapped_column(String(160))

    @property
    def name(self):
        return localized(self, "name")


class Region(LocalizedNameMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    countries = relationship("Country", back_populates="region", order_by="Country.iso2")


def guessed_place_in(lang, name):
    """"In <country>" for a country whose form was not given: right for most names, not all (French says
    "au Mexique", "à Cuba", "aux Comores"), which is why each country stores its own."""
    if lang == "fr":
        return f"en {name}" if name[:1].lower() in "aeiouyàâéèêîïôöûü" or name.endswith("e") else f"au {name}"
    return f"{'en' if lang == 'es' else 'in'} {name}"


class Country(LocalizedNameMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    iso2: Mapped[str] = mapped_column(String(2), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # "In <country>" as each language says it: French chooses preposition and article by the name
    # ("en Colombie", "au Sénégal", "à Madagascar", "aux Comores"), Peru says "en el Perú". Data, not a rule.
    name_in_fr: Mapped[str] = mapped_column(String(200), default="", server_default="")
    name_in_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    name_in_es: Mapped[str] = mapped_column(String(200), default="", server_default="")
    region = relationship("Region", back_populates="countries")
    organisations = relationship("Organisation", back_populates="country", order_by="Organisation.name")

    MIN_PARTNERS = 2

    def place_in(self, lang):
        """"In <country>" in the language `lang` ("en Colombie"), to write "… en Colombie" in a sentence."""
        return getattr(self, f"name_in_{lang}", "") or guessed_place_in(lang, getattr(self, f"name_{lang}", "")
                                                                        or self.name_fr)

    @property
    def name_in(self):
        """"In <country>" in the reader's language."""
        return self.place_in(current_language())

    @property
    def is_incomplete(self):
        return sum(1 for o in self.organisations if o.active) < self.MIN_PARTNERS


class Space(LocalizedNameMixin, db.Model):
    """A place where partners work together. Its kind says who belongs (see permissions)."""
    INTERNATIONAL, REGIONAL, NATIONAL = "international", "regional", "national"
    KINDS = (INTERNATIONAL, REGIONAL, NATIONAL)
    MAX_NATIONAL_PARTNERS = 4

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("country.id"), index=True)
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_es: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    region = relationship("Region")
    country = relationship("Country")

    @property
    def description(self):
        return localized(self, "description")


class Organisation(db.Model):
    CIVIL_SOCIETY, STATE = "civil_society", "state_institution"
    KINDS = (CIVIL_SOCIETY, STATE)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default=CIVIL_SOCIETY)
    focal_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", use_alter=True, ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    country = relationship("Country", back_populates="organisations")
    focal_point = relationship("User", foreign_keys=[focal_point_id])
    __table_args__ = (UniqueConstraint("country_id", "name"),)

    @property
    def name_shows_country(self):
        """The name already ends with the country's code ("… Brigade des Mineurs (SN)"): lists add it once."""
        return self.name.rstrip().endswith(f"({self.country.iso2.upper()})")

    @property
    def label(self):
        """The name with its country's code, once: "Réseau Fictif Enfance Teranga (SN)", never "… (SN) (SN)"."""
        return self.name if self.name_shows_country else f"{self.name} ({self.country.iso2.upper()})"


class Theme(db.Model):
    """The configurable taxonomy of rights and priorities, labelled in three languages."""
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label_fr: Mapped[str] = mapped_column(String(160))
    label_en: Mapped[str] = mapped_column(String(160))
    label_es: Mapped[str] = mapped_column(String(160))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def label(self):
        return localized(self, "label")
