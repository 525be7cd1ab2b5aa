"""Forms for signing in, accepting an invitation, passwords and the profile."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from sociallab.accounts.models import User
from sociallab.i18n import LANGUAGE_NAMES, is_valid_timezone, timezone_choices


def _language_choices():
    return list(LANGUAGE_NAMES.items())


class TimezoneField(SelectField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=[], **kwargs)

    def pre_validate(self, form):
        if not is_valid_timezone(self.data or ""):
            raise ValidationError(_l("Choose a time zone from the list."))

    def iter_choices(self):
        self.choices = [(tz, tz.replace("_", " ")) for tz in timezone_choices()]
        return super().iter_choices()


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ProfileFieldsMixin:
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    language = SelectField(_l("Language"), choices=_language_choices())
    timezone = TimezoneField(_l("Time zone"))


class AcceptInvitationForm(ProfileFieldsMixin, FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ProfileForm(ProfileFieldsMixin, FlaskForm):
    notify_email = SelectField(_l("E-mail me about notifications"), choices=[
        (User.NOTIFY_IMMEDIATE, _l("Immediately")),
        (User.NOTIFY_DAILY, _l("Once a day, in a digest")),
        (User.NOTIFY_NEVER, _l("Never")),
    ])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class InviteColleagueForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    language = SelectField(_l("Language of the invitation"), choices=_language_choices())
