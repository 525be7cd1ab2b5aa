"""Forms of the moderators' safeguarding pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional


class ConfirmForm(FlaskForm):
    """A button that changes something: its CSRF token only."""


class RedactForm(FlaskForm):
    passages = TextAreaField(
        _l("Other passages to remove (optional)"),
        description=_l("One per line, copied exactly from the text: what the highlighting did not find."),
        validators=[Optional(), Length(max=5000)], render_kw={"rows": 4, "maxlength": 5000})
