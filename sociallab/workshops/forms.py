"""The form a facilitator fills in to schedule a workshop."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from sociallab.accounts.forms import TimezoneField
from sociallab.i18n import LANGUAGE_NAMES

# A date outside these years is a slip of the keyboard; near year 9999 or year 1 a time zone
# change would also carry it outside the calendar Python can hold.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _check_year(field):
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(_l("Choose a date between the years %(first)s and %(last)s.",
                                 first=FIRST_YEAR, last=LAST_YEAR))


class WorkshopForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)],
                                description=_l("Markdown: **bold**, lists, links."))
    agenda = TextAreaField(_l("Agenda"), validators=[Length(max=5000)],
                           description=_l("One item per line, in Markdown."))
    lang = SelectField(_l("Language of the workshop"), choices=list(LANGUAGE_NAMES.items()))
    timezone = TimezoneField(_l("Time zone of the times below"))
    starts_at = DateTimeLocalField(_l("Starts"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                   validators=[DataRequired(message=_l("Give the date and time it starts."))])
    ends_at = DateTimeLocalField(_l("Ends"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                 validators=[DataRequired(message=_l("Give the date and time it ends."))])
    video_url = StringField(_l("Link to the video call (optional)"), validators=[
        Optional(), Length(max=500), URL(require_tld=False, message=_l("Give a full web address."))])
    capacity = IntegerField(_l("Capacity (optional)"), validators=[Optional(), NumberRange(min=1, max=10000)],
                            description=_l("Leave empty for no limit."))
    facilitators = SelectMultipleField(_l("Facilitators"), coerce=int, validate_choice=True)

    def validate_video_url(self, field):
        if field.data and not field.data.lower().startswith(("http://", "https://")):
            raise ValidationError(_l("Only http:// and https:// links are accepted."))

    def validate_starts_at(self, field):
        _check_year(field)

    def validate_ends_at(self, field):
        _check_year(field)
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must come after the start."))
        if field.data and self.starts_at.data and (field.data - self.starts_at.data).days >= 2:
            raise ValidationError(_l("A workshop lasts less than two days."))
