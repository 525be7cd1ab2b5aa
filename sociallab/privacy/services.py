"""Personal data: a person's export, their request to be deleted, and the deletion an administrator completes.

Each domain gives its part through registry.register; these services run every part, check
first, record the act in the audit log (never the data exported or erased) and commit once.
"""
from flask_babel import gettext as _

from sociallab.accounts.models import User
from sociallab.accounts.passwords import verify_password
from sociallab.audit.services import record
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.privacy.archive import README, Archive
from sociallab.privacy.checks import (
    PrivacyError,
    check_complete_deletion,
    check_export,
    check_request_deletion,
)
from sociallab.privacy.erasure import Erasure
from sociallab.privacy.registry import contributions
from sociallab.safeguarding.screening import REDACT, deciding


def find_person(email):
    """The account with this e-mail address (for the commands), or PrivacyError."""
    person = db.session.scalar(db.select(User).where(User.email == (email or "").strip().lower()))
    if person is None:
        raise PrivacyError(_("No account has this e-mail address."), status=404)
    return person


def export_data(person, actor, fileobj):
    """Write everything kept about `person` as a ZIP into `fileobj` (a file opened for writing
    in binary); the act is audited, not what was exported. actor None: the console."""
    check_export(person, actor)
    exported_at = utcnow()
    archive = Archive(fileobj)
    try:
        for part in contributions():
            if part.export is not None:
                part.export(person, archive.section(part.name))
        archive.add_text("README.txt", README.format(exported_at=exported_at.strftime("%Y-%m-%d %H:%M")))
    finally:
        archive.close()
    record(actor, "account.export", person)
    db.session.commit()
    return archive.names


def request_deletion(person, password, actor):
    """The person asks for their account to be deleted, confirming with their password."""
    check_request_deletion(person, actor)
    if person.deletion_requested_at is not None:
        raise PrivacyError(_("You have already asked for your account to be deleted."), status=409)
    if not verify_password(person.password_hash, password or ""):
        raise PrivacyError(_("The password is not correct."))
    person.deletion_requested_at = utcnow()
    record(actor, "account.deletion_requested", person)
    db.session.commit()
    return person


def cancel_deletion(person, actor):
    """The person withdraws their request before an administrator completes it."""
    check_request_deletion(person, actor)
    if person.deletion_requested_at is None:
        raise PrivacyError(_("There is no deletion request to cancel."), status=409)
    person.deletion_requested_at = None
    record(actor, "account.deletion_cancelled", person)
    db.session.commit()
    return person


def deletion_requests():
    """People waiting for their deletion, oldest request first."""
    return db.session.scalars(db.select(User).where(User.deletion_requested_at.is_not(None),
                                                    User.deleted_at.is_(None))
                              .order_by(User.deletion_requested_at, User.id)).all()


def complete_deletion(person, actor, without_request=False):
    """Anonymise the account and erase or detach everything each domain holds about it.

    What they wrote in shared places stays readable as "Former member"; their files go from the
    disk once the deletion is committed, except those a space still needs. The audit entry holds
    the account's id only. actor None: the console, which may delete without a request.
    """
    check_complete_deletion(person, actor, without_request)
    erasure = Erasure(person)
    # Texts the erasure rewrites are screened again like any change: a passage that may identify a
    # child in one of them is redacted rather than stopping the deletion.
    with deciding(REDACT):
        for part in contributions():
            if part.erase is not None:
                part.erase(erasure)
        db.session.flush()
    record(actor, "account.delete", person)
    db.session.commit()
    erasure.delete_files()
    return person
