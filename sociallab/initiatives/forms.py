"""Forms of initiatives: the initiative itself, stage changes, curation, journal and indicators."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from sociallab.http_input import SubmissionField
from sociallab.i18n import LANGUAGE_NAMES
from sociallab.initiatives import stages
from sociallab.initiatives.indicators import MEASURE_LABELS


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes: usable without JavaScript, unlike a multiple select."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        valid = {str(value) for value, _label in self.choices}
        for value in self.data or []:
            if str(value) not in valid:
                # A ValidationError is shown beside the field; WTForms 3 lets any other error through (a 500).
                raise ValidationError(self.gettext("'%(value)s' is not a valid choice for this field.")
                                      % {"value": value})


class InitiativeForm(FlaskForm):
    space = SelectField(_l("Space"), coerce=int,
                        description=_l("An initiative with partners or countries beyond one country lives in the "
                                       "regional or international space that covers them all."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(), Length(max=2000)],
                            description=_l("Two or three sentences: what the initiative does, for whom."))
    problem = TextAreaField(_l("Problem addressed"), validators=[Length(max=10000)])
    approach = TextAreaField(_l("Approach"), validators=[Length(max=10000)],
                             description=_l("What is new or experimental in how the problem is tackled."))
    themes = CheckboxesField(_l("Themes"), coerce=int)
    lead_organisation = SelectField(_l("Lead organisation"), coerce=int)
    co_leads = CheckboxesField(_l("Co-lead organisations"), coerce=int,
                               description=_l("Partners of other countries may co-lead."))
    countries = CheckboxesField(_l("Countries"), coerce=int,
                                description=_l("Where the initiative takes place. The partners' countries are "
                                               "added automatically."))
    target_groups = StringField(_l("Target groups"), validators=[Length(max=500)],
                                description=_l("For example: police officers, children in contact with the law."))
    stage = SelectField(_l("Stage reached"), choices=[(s, stages.STAGE_LABELS[s]) for s in stages.STAGES],
                        description=stages.STAGES_HELP)
    start_date = DateField(_l("Start"), validators=[Optional()])
    end_date = DateField(_l("End"), validators=[Optional()])
    lang = SelectField(_l("Language of the text"), choices=list(LANGUAGE_NAMES.items()))

    def offer(self, spaces, organisations, countries, themes):
        """The choices of the select and checkbox fields, in the order given."""
        self.space.choices = [(s.id, s.name) for s in spaces]
        partners = [(o.id, f"{o.name} ({o.country.name})") for o in organisations]
        self.lead_organisation.choices = partners
        self.co_leads.choices = partners
        self.countries.choices = [(c.id, c.name) for c in countries]
        self.themes.choices = [(t.id, t.label) for t in themes]


class StageForm(FlaskForm):
    to_stage = SelectField(_l("New stage"), choices=[], description=stages.STAGES_HELP)
    comment = TextAreaField(_l("Why? (shown in the timeline)"), validators=[DataRequired(), Length(max=2000)])


class CurationForm(FlaskForm):
    action = HiddenField()
    comment = TextAreaField(_l("Comment for the authors"), validators=[Length(max=4000)])

    def for_writer(self, moderates):
        """Labelled for its reader: a moderator's comment goes to the authors, an author's note to the moderators."""
        if not moderates:
            self.comment.label.text = _l("Note for the moderators")
        return self


class JournalForm(FlaskForm):
    entry_date = DateField(_l("Date"), validators=[DataRequired()])
    tried = TextAreaField(_l("What was tried"), validators=[Length(max=10000)])
    observed = TextAreaField(_l("What was observed"), validators=[Length(max=10000)])
    adjusted = TextAreaField(_l("What was adjusted"), validators=[Length(max=10000)])
    lang = SelectField(_l("Language of the text"), choices=list(LANGUAGE_NAMES.items()))
    submission = SubmissionField(damaged=_l("This form arrived damaged. Check your entry and send it again."))


class IndicatorForm(FlaskForm):
    name = StringField(_l("Indicator"), validators=[DataRequired(), Length(max=200)],
                       description=_l("For example: children heard in an adapted hearing room."))
    unit = StringField(_l("Unit"), validators=[Length(max=64)], description=_l("For example: people, sessions."))
    measures = SelectField(_l("Counts"), choices=list(MEASURE_LABELS.items()),
                           description=_l("People reached and people trained add up in the dashboards."))
    description = TextAreaField(_l("What it counts, and how"), validators=[Length(max=2000)])


class ValuesForm(FlaskForm):
    """The period of a values grid; the grid's cells are read and checked by indicators.parse_grid."""
    period = DateField(_l("End of the reporting period"), validators=[DataRequired()])
