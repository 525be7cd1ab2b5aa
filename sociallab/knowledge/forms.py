"""Forms for resources, their files and their translations."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from sociallab.extensions import db
from sociallab.i18n import LANGUAGE_NAMES
from sociallab.knowledge.models import Resource
from sociallab.spaces.models import Country, Theme

TYPE_LABELS = {
    "toolkit": _l("Toolkit"),
    "guide": _l("Guide"),
    "report": _l("Report"),
    "article": _l("Article"),
    "minutes": _l("Workshop minutes"),
    "other": _l("Other"),
}
STATUS_LABELS = {"published": _l("Published"), "draft": _l("Draft"), "hidden": _l("Hidden")}


class PeopleQuestions:
    """What an image upload must answer (knowledge.uploads.check_people). Without JavaScript the
    form cannot know the file's type before it is sent, so the questions are always shown; the
    service asks for them only when the file turns out to be an image."""
    shows_people = RadioField(_l("Does this image show people?"), choices=[("yes", _l("Yes")), ("no", _l("No"))],
                              validators=[Optional()],
                              description=_l("For images (PNG, JPEG): required for them, ignored for other files."))
    people_consent = BooleanField(_l("The people shown (and for a child, the child's assent and a parent's or "
                                     "guardian's consent) agreed to this image being shared"),
                                  description=_l("Required when the image shows people."))

    def people_answer(self):
        """shows_people (True, False, or None when unanswered) and consent, as the upload services take them."""
        return {"shows_people": {"yes": True, "no": False}.get(self.shows_people.data),
                "consent": bool(self.people_consent.data)}


class ResourceForm(PeopleQuestions, FlaskForm):
    type = SelectField(_l("Type"), choices=[(t, TYPE_LABELS[t]) for t in Resource.TYPES])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)],
                            render_kw={"rows": 3})
    body = TextAreaField(_l("Text (Markdown)"), validators=[Optional(), Length(max=100_000)],
                         render_kw={"rows": 12})
    lang = SelectField(_l("Language of the resource"), choices=list(LANGUAGE_NAMES.items()))
    themes = SelectMultipleField(_l("Themes"), choices=[], validators=[Optional()])
    countries = SelectMultipleField(_l("Countries"), choices=[], validators=[Optional()])
    status = SelectField(_l("Status"), choices=[("published", STATUS_LABELS["published"]),
                                                ("draft", STATUS_LABELS["draft"])],
                         description=_l("A draft is visible only to your organisation and the moderators."))
    file = FileField(_l("Attach a file (optional)"),
                     description=_l("PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG or JPEG."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.themes.choices = [(t.code, t.label) for t in db.session.scalars(
            db.select(Theme).where(Theme.active.is_(True)).order_by(Theme.id))]
        self.countries.choices = [(c.iso2, c.name) for c in db.session.scalars(
            db.select(Country).order_by(Country.iso2))]


class UploadForm(PeopleQuestions, FlaskForm):
    file = FileField(_l("File"), validators=[DataRequired(message=_l("Choose a file to send."))],
                     description=_l("PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG or JPEG."))


class LinkTranslationForm(FlaskForm):
    other = SelectField(_l("Resource in another language"), choices=[], coerce=int)


class ModerationForm(FlaskForm):
    """Hide or show again: only a CSRF token and the button's value."""
