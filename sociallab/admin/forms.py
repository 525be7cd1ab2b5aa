"""Administration forms; select choices are loaded from the database when a form is built."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import contains_eager
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from sociallab.accounts.forms import TimezoneField
from sociallab.accounts.models import SpaceRole, User
from sociallab.extensions import db
from sociallab.i18n import LANGUAGE_NAMES
from sociallab.spaces.models import Country, Organisation, Region, Space

NONE = 0  # the value of "no choice" in optional id selects

CODE = Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l("Use lowercase letters, digits and hyphens."))

SPECIALTIES = [
    ("project-management", _l("Project management")),
    ("communication", _l("Communication")),
    ("rights", _l("Children's rights")),
    ("monitoring-evaluation-learning", _l("Monitoring, evaluation and learning")),
    ("gender-equality", _l("Gender equality")),
]


def region_choices():
    regions = db.session.scalars(db.select(Region).order_by(Region.code)).all()
    return [(r.id, r.name) for r in regions]


def country_choices():
    countries = db.session.scalars(db.select(Country).order_by(Country.iso2)).all()
    return sorted(((c.id, c.name) for c in countries), key=lambda choice: choice[1])


def organisation_choices():
    organisations = db.session.scalars(
        db.select(Organisation).join(Country).options(contains_eager(Organisation.country))
        .order_by(Country.iso2, Organisation.name)).all()
    return [(o.id, o.label) for o in organisations]


def person_choices():
    rows = db.session.execute(db.select(User.id, User.name, User.email).where(User.active.is_(True))
                              .order_by(User.name)).all()
    return [(uid, f"{name} <{email}>") for uid, name, email in rows]


def space_choices():
    spaces = db.session.scalars(db.select(Space).where(Space.archived.is_(False))).all()
    order = {Space.INTERNATIONAL: 0, Space.REGIONAL: 1, Space.NATIONAL: 2}
    return [(s.id, s.name) for s in sorted(spaces, key=lambda s: (order.get(s.kind, 9), s.name))]


def _localized_names(label):
    return (StringField(_l("%(label)s in French", label=label), validators=[DataRequired(), Length(max=160)]),
            StringField(_l("%(label)s in English", label=label), validators=[DataRequired(), Length(max=160)]),
            StringField(_l("%(label)s in Spanish", label=label), validators=[DataRequired(), Length(max=160)]))


class RegionForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32), CODE])
    name_fr, name_en, name_es = _localized_names(_l("Name"))


class CountryForm(FlaskForm):
    iso2 = StringField(_l("ISO code (2 letters)"), validators=[
        DataRequired(), Regexp(r"^[A-Za-z]{2}$", message=_l("Two letters, e.g. SN."))])
    region_id = SelectField(_l("Region"), coerce=int)
    name_fr, name_en, name_es = _localized_names(_l("Name"))
    name_in_fr = StringField(_l("“In the country” in French"), validators=[Optional(), Length(max=200)],
                             description=_l("As a sentence says it: “au Sénégal”, “en Colombie”, “à Madagascar”. "
                                            "Left empty, it is guessed from the name."))
    name_in_en = StringField(_l("“In the country” in English"), validators=[Optional(), Length(max=200)],
                             description=_l("For example “in Senegal”, “in the Comoros”."))
    name_in_es = StringField(_l("“In the country” in Spanish"), validators=[Optional(), Length(max=200)],
                             description=_l("For example “en el Perú”, “en Colombia”."))
    timezone = TimezoneField(_l("Time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_id.choices = region_choices()


class SpaceForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[
        (Space.INTERNATIONAL, _l("International")),
        (Space.REGIONAL, _l("Regional")),
        (Space.NATIONAL, _l("National")),
    ])
    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(max=64), CODE])
    name_fr, name_en, name_es = _localized_names(_l("Name"))
    region_id = SelectField(_l("Region (regional spaces)"), coerce=int)
    country_id = SelectField(_l("Country (national spaces)"), coerce=int)
    description_fr = TextAreaField(_l("Description in French"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Length(max=5000)])
    description_es = TextAreaField(_l("Description in Spanish"), validators=[Length(max=5000)])
    archived = BooleanField(_l("Archived (hidden from everyone, content kept)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_id.choices = [(NONE, _l("— none —"))] + region_choices()
        self.country_id.choices = [(NONE, _l("— none —"))] + country_choices()


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    country_id = SelectField(_l("Country"), coerce=int)
    kind = SelectField(_l("Kind"), choices=[
        (Organisation.CIVIL_SOCIETY, _l("Civil society organisation")),
        (Organisation.STATE, _l("State institution")),
    ])
    focal_point_id = SelectField(_l("Focal point"), coerce=int)
    active = BooleanField(_l("Active partner"), default=True)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_id.choices = country_choices()
        members = []
        if organisation is not None and organisation.id is not None:
            members = db.session.execute(
                db.select(User.id, User.name).where(User.organisation_id == organisation.id,
                                                    User.active.is_(True)).order_by(User.name)).all()
        self.focal_point_id.choices = [(NONE, _l("— none —"))] + [(uid, name) for uid, name in members]


class PersonForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    is_admin = BooleanField(_l("Administrator (IBCR staff)"))
    active = BooleanField(_l("Active (unticked: the account is deactivated and signed out everywhere)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(NONE, _l("— none (IBCR staff or volunteer) —"))] + organisation_choices()


class PeopleFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Name or e-mail"), validators=[Optional(), Length(max=120)])
    organisation = SelectField(_l("Organisation"), coerce=int, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [(NONE, _l("All organisations"))] + organisation_choices()


class MandateForm(FlaskForm):
    user_id = SelectField(_l("Volunteer"), coerce=int)
    organisation_id = SelectField(_l("Partner organisation"), coerce=int)
    start_date = DateField(_l("Start"), validators=[DataRequired()])
    end_date = DateField(_l("End"), validators=[DataRequired()])
    specialty = SelectField(_l("Specialty"), choices=SPECIALTIES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = person_choices()
        self.organisation_id.choices = organisation_choices()

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data <= self.start_date.data:
            raise ValidationError(_l("The end must come after the start."))


class SpaceRoleForm(FlaskForm):
    user_id = SelectField(_l("Person"), coerce=int)
    role = SelectField(_l("Role"), choices=[
        (SpaceRole.MODERATOR, _l("Moderator")),
        (SpaceRole.FACILITATOR, _l("Facilitator")),
    ])
    space_id = SelectField(_l("Space"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = person_choices()
        self.space_id.choices = [(NONE, _l("Every space"))] + space_choices()


class ThemeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=64), CODE])
    label_fr, label_en, label_es = _localized_names(_l("Label"))
    active = BooleanField(_l("Active (offered when tagging content)"), default=True)


class InvitationForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    language = SelectField(_l("Language of the invitation"), choices=list(LANGUAGE_NAMES.items()))

    def __init__(self, *args, organisations=None, **kwargs):
        """`organisations`: the ones this person may invite into (default: all)."""
        super().__init__(*args, **kwargs)
        if organisations is None:
            self.organisation_id.choices = organisation_choices()
        else:
            self.organisation_id.choices = [(o.id, o.name) for o in organisations]


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = SelectField(_l("By"), coerce=int, validators=[Optional()])

