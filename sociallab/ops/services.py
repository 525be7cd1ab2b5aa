"""A new platform's first setup: the Lab's real structure and its first administrator, without any demo person."""
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sociallab.accounts.checks import AccountError, check_password_strength
from sociallab.accounts.services import create_user, find_user_by_email, normalize_email
from sociallab.audit.services import record
from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.forums.services import give_default_categories
from sociallab.ops.structure import add_structure

LANGUAGES = ("fr", "en", "es")


class SetupError(ServiceError):
    """The first setup was refused: what was given cannot make an account."""


def set_up_structure(default_language="fr"):
    """Create what is missing of the Lab's structure (regions, countries, their spaces, the core
    themes), each new space with its general discussion category; what exists is left untouched.
    Returns the rows added (an empty list the second time)."""
    _countries, added = add_structure()
    db.session.commit()
    given = give_default_categories(default_language)
    return added + given


def check_first_admin(email, name, password, language, timezone):
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise SetupError(f"{email!r} is not an e-mail address.")
    if not (name or "").strip():
        raise SetupError("The administrator needs a name.")
    if language not in LANGUAGES:
        raise SetupError(f"The language is one of {', '.join(LANGUAGES)}.")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SetupError(f"{timezone!r} is not a time zone (e.g. America/Montreal, Africa/Dakar, UTC).") from None
    try:
        check_password_strength(password)  # length, and never the demo's published password
    except AccountError as error:
        raise SetupError(str(error.message)) from None


def existing_account(email):
    """The account that already has this address, if any (init never changes it)."""
    return find_user_by_email(email)


def create_first_admin(email, name, password, language="fr", timezone="UTC"):
    """An administrator account, recorded in the audit log as created from the command line.
    An address that already has an account is refused: its account is not overwritten."""
    email = normalize_email(email)
    check_first_admin(email, name, password, language, timezone)
    if existing_account(email) is not None:
        raise SetupError(f"{email} already has an account: it was left unchanged.", status=409)
    user = create_user(email, name, password, language=language, timezone=timezone, is_admin=True)
    db.session.flush()
    record(None, "person.create", user, after={"is_admin": True, "language": language, "timezone": timezone})
    db.session.commit()
    return user
