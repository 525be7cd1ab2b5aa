"""Language and time-zone choice for each request, and localised formatting helpers."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app, has_request_context, request, session
from flask_babel import format_datetime, get_locale, get_timezone
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


def utcnow():
    """Naive UTC now, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)
