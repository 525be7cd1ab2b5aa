"""Forms for categories, threads, posts, flags and moderation."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from sociallab.forums.models import (
    BODY_MAX,
    CATEGORY_DESCRIPTION_MAX,
    CATEGORY_TITLE_MAX,
    FLAG_NOTE_MAX,
    TITLE_MAX,
)
from sociallab.http_input import SubmissionField
from sociallab.i18n import LANGUAGE_NAMES


def _languages():
    return list(LANGUAGE_NAMES.items())


def _body_field():
    return TextAreaField(
        _l("Message"),
        description=_l("Markdown: **bold**, *italic*, > quote, - list, [link](https://…), `code`, tables."),
        validators=[DataRequired(message=_l("Write a message before sending.")),
                    Length(max=BODY_MAX, message=lazy_ngettext(
                        "The message is too long: at most %(num)d character.",
                        "The message is too long: at most %(num)d characters.", BODY_MAX))],
        render_kw={"rows": 8, "maxlength": BODY_MAX})


class PostForm(FlaskForm):
    """A reply or an edit. The buttons say what to do: preview, publish, or publish anyway."""
    body = _body_field()
    lang = SelectField(_l("Language of the message"), choices=_languages())
    quote = HiddenField()
    # Read for a reply or a new thread (an edit changes its post, whatever the form sends).
    submission = SubmissionField(damaged=_l("This form arrived damaged. Check your message and send it again."))


class ThreadForm(PostForm):
    title = StringField(_l("Title"), validators=[
        DataRequired(message=_l("Give the thread a title.")),
        Length(max=TITLE_MAX, message=lazy_ngettext("The title is too long: at most %(num)d character.",
                                                    "The title is too long: at most %(num)d characters.", TITLE_MAX))],
        render_kw={"maxlength": TITLE_MAX})


class CategoryForm(FlaskForm):
    title = StringField(_l("Name"), validators=[DataRequired(), Length(max=CATEGORY_TITLE_MAX)],
                        render_kw={"maxlength": CATEGORY_TITLE_MAX})
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=CATEGORY_DESCRIPTION_MAX)],
                                render_kw={"rows": 3, "maxlength": CATEGORY_DESCRIPTION_MAX})
    lang = SelectField(_l("Language"), choices=_languages())
    position = IntegerField(_l("Order"), description=_l("Categories are listed from the smallest number."),
                            validators=[Optional(), NumberRange(min=0, max=100000)])
    archived = BooleanField(_l("Archived (kept for reading, no new threads)"))


class FlagForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=[
        ("identifies_child", _l("It may identify a child")),
        ("abusive", _l("It is abusive or disrespectful")),
        ("spam", _l("It is spam or advertising")),
        ("off_topic", _l("It is off topic")),
        ("other", _l("Something else")),
    ])
    note = TextAreaField(_l("What should the moderators know? (optional)"),
                         validators=[Optional(), Length(max=FLAG_NOTE_MAX)],
                         render_kw={"rows": 3, "maxlength": FLAG_NOTE_MAX})


class ResolveFlagForm(FlaskForm):
    outcome = SelectField(_l("Decision"), choices=[
        ("hidden", _l("Hide the post")),
        ("dismissed", _l("Dismiss the flag")),
        ("locked", _l("Lock the thread")),
        ("warned", _l("Warn the author")),
    ])
    message = TextAreaField(_l("Message to the author (for a warning)"),
                            validators=[Optional(), Length(max=500)], render_kw={"rows": 2, "maxlength": 500})


class MoveThreadForm(FlaskForm):
    category = SelectField(_l("Move to category"), coerce=int, choices=[])


class ConfirmForm(FlaskForm):
    """A POST with only its CSRF token (delete, hide, pin, lock, watch, mark read)."""
