"""Language and time-zone choice for each request, and localised formatting helpers and filters."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app, g, has_request_context, request, session
from flask_babel import (
    format_date,
    format_datetime,
    format_number,
    format_percent,
    get_locale,
    get_timezone,
    get_translations,
)
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

LANGUAGE_NAMES = {"fr": "Français", "en": "English", "es": "Español"}
# The language a person chose, kept in the browser after they sign out (the session is cleared then),
# so the sign-in page and the "you are signed out" message stay in it. A preference, not an identity.
LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


def select_locale():
    """The person's chosen language, else the one chosen in this browser, else the browser's, else French."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("lang") in languages:
        return session["lang"]
    if request.cookies.get(LANGUAGE_COOKIE) in languages:
        return request.cookies[LANGUAGE_COOKIE]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_language(response):
    """Keep the chosen language (at sign-in, on the profile, with the footer switch) in a cookie."""
    if request.endpoint in (None, "static"):
        return response
    languages = current_app.config["LANGUAGES"]
    signed_in = current_user and current_user.is_authenticated
    chosen = current_user.language if signed_in else session.get("lang")
    if chosen in languages and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=LANGUAGE_COOKIE_SECONDS, httponly=True,
                            samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def select_timezone():
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return None


def current_language():
    return str(get_locale() or "fr")


def localized(obj, field):
    """Pick obj.<field>_<lang> for the current language, falling back to French then English."""
    lang = current_language()
    for candidate in (lang, "fr", "en", "es"):
        value = getattr(obj, f"{field}_{candidate}", None)
        if value:
            return value
    return ""


def is_valid_timezone(name):
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_TIMEZONES = None


def timezone_choices():
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = sorted(tz for tz in available_timezones() if "/" in tz and not tz.startswith("Etc/"))
        _TIMEZONES.insert(0, "UTC")
    return _TIMEZONES


def as_utc(value):
    """Naive datetimes in the database are UTC; make them aware for formatting."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def format_when(value, format="medium"):
    """A date-time in the reader's time zone and locale, with the zone named."""
    if value is None:
        return ""
    return f"{format_datetime(as_utc(value), format)} ({get_timezone()})"


def format_number_filter(value):
    """A number in the reader's locale (the `format_number` filter)."""
    # A dashboard shows each figure several times (chart, text alternative, table): format once.
    cache = g.setdefault("_formatted_numbers", {})
    value = value or 0
    if value not in cache:
        cache[value] = format_number(value)
    return cache[value]


def share_filter(whole_percent):
    """A whole percentage (already rounded by the roll-ups) in the reader's locale: "61 %"."""
    return "—" if whole_percent is None else format_percent(whole_percent / 100)


def format_day_filter(value, format="medium"):
    """A date in the reader's locale, empty for none (the `format_day` filter)."""
    return format_date(value, format) if value else ""


LOCALE_NAME = "_sociallab_locale"


def template_gettext():
    """`_()` and `gettext()` for templates, as Flask-Babel installs them (Jinja's "newstyle": the
    message is escaped for HTML and always formatted with its variables), with a message without
    variables kept once worked out, per language, for the process: a page shows thirty of them and
    each lookup went through the request's Babel state three times (about 12 µs; now 5).

    The catalogues do not change while the process runs (Flask-Babel keeps them for its life too).
    Templates give literal messages; a bound keeps a template that would translate a variable from
    filling memory.
    """
    shown = {}
    most = 20000

    @pass_context
    def gettext(context, string, **variables):
        autoescape = context.eval_ctx.autoescape
        key = None
        if not variables and type(string) is str and len(shown) < most:
            # The page's language, named once per page by the context processor below (a macro
            # imported without the page's context asks Babel).
            key = (context.get(LOCALE_NAME) or str(get_locale()), autoescape, string)
            if key in shown:
                return shown[key]
        message = get_translations().ugettext(string)
        if autoescape:
            message = Markup(message)  # noqa: S704 # nosec B704 — as Jinja does: catalogues are trusted text
        message = message % variables
        if key is not None:
            shown[key] = message
        return message
    return gettext


def init_app(app):
    """The language and formatting helpers every template may use."""
    # Flask-Babel's extension (installed by babel.init_app) compiles {% trans %} and _() as calls
    # of these two names.
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"] = template_gettext()
    app.context_processor(lambda: {LOCALE_NAME: str(get_locale())})
    app.add_template_filter(format_when, "when")
    app.add_template_filter(format_number_filter, "format_number")
    app.add_template_filter(share_filter, "share")
    app.add_template_filter(format_day_filter, "format_day")
    app.add_template_global(current_language)
    app.add_template_global(LANGUAGE_NAMES, "LANGUAGE_NAMES")
    app.after_request(remember_language)


def utcnow():
    """Naive UTC now, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


# --- French typography ------------------------------------------------------------------------
# French puts a narrow no-break space (U+202F) before ; : ! ? and inside « guillemets ». Translators
# type ordinary spaces, or none: `french_typography` is the one place that sets them, applied to every
# French message when the catalogues are updated (scripts/i18n.py), so whatever compiles the .po
# files (make translations, an image build) gets the right text and nothing is converted per request.
NARROW_NBSP = "\u202f"
_SPACES = " \u00a0\u202f"
_HIGH_PUNCTUATION = ";:!?"
# After such a mark comes a space, the end, or closing punctuation: otherwise the mark is not prose
# (a URL "https://", a time "20:18", a query "?page=2", an entity "&amp;").
_AFTER_PROSE_MARK = " \u00a0\u202f\n\t)]»\"'.,…<*"


def _is_entity_end(text, i):
    """text[i] is ';' closing an HTML entity such as &amp; or &#8239;."""
    j = i - 1
    while j >= 0 and (text[j].isalnum() or text[j] == "#"):
        j -= 1
    return j >= 0 and text[j] == "&" and j < i - 1


def french_typography(text):
    """French text with a narrow no-break space before ; : ! ? and inside « », HTML tags left as they are.

    "Langue:" and "Langue :" both become "Langue\u202f:"; "https://…", "20:18" and "&amp;" stay.
    Applying it twice changes nothing.
    """
    if not text:
        return text
    out = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "<" and text.find(">", i) != -1:
            close = text.find(">", i)
            out.append(text[i:close + 1])
            i = close + 1
            continue
        if c in _HIGH_PUNCTUATION and out and not (c == ";" and _is_entity_end(text, i)):
            end = i
            while end < n and text[end] in _HIGH_PUNCTUATION:
                end += 1
            if end == n or text[end] in _AFTER_PROSE_MARK:
                while out and out[-1] in _SPACES:
                    out.pop()
                if out and out[-1] not in "\n(«":
                    out.append(NARROW_NBSP)
                out.append(text[i:end])
                i = end
                continue
        if c == "«":
            out.append("«" + NARROW_NBSP)
            i += 1
            while i < n and text[i] in _SPACES:
                i += 1
            continue
        if c == "»":
            while out and out[-1] in _SPACES:
                out.pop()
            out.append(NARROW_NBSP + "»")
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)
