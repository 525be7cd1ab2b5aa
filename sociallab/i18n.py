"""Language and time-zone choice for each request, and localised formatting helpers and filters."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app, g, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_number, format_percent, get_locale, get_timezone
from flask_login import current_user

LANGUAGE_NAMES = {"fr": "Français", "en": "English", "es": "Español"}


def select_locale():
    """The person's chosen language, else the browser's, else French."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


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


def init_app(app):
    """The language and formatting helpers every template may use."""
    app.add_template_filter(format_when, "when")
    app.add_template_filter(format_number_filter, "format_number")
    app.add_template_filter(share_filter, "share")
    app.add_template_filter(format_day_filter, "format_day")
    app.add_template_global(current_language)
    app.add_template_global(LANGUAGE_NAMES, "LANGUAGE_NAMES")


def utcnow():
    """Naive UTC now, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)
