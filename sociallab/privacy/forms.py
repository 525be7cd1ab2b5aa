"""Forms of the personal-data pages: each is a confirmation sent with its CSRF token."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length


class ConfirmForm(FlaskForm):
    """A button: download, cancel, complete."""


class DeletionRequestForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)])
