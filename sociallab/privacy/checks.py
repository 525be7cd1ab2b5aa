"""The checks personal-data requests pass first: whose data, and whether a deletion can be asked or completed.

Who may do what is decided by sociallab.permissions; `actor` None is the administrator at the
console (`flask sociallab export-user` and `delete-user`), who needs no rule.
"""
from flask_babel import gettext as _

from sociallab import permissions
from sociallab.errors import ServiceError


class PrivacyError(ServiceError):
    """A refused export or deletion; its message is already translated."""


def _not_found():
    return PrivacyError(_("This account does not exist."), status=404)


def check_export(person, actor):
    if person.deleted_at is not None:
        raise _not_found()
    if actor is not None and not permissions.can_export_data(person, actor):
        raise _not_found()


def check_request_deletion(person, actor):
    if actor is not None and not permissions.can_request_deletion(person, actor):
        raise _not_found()
    if person.deleted_at is not None:
        raise _not_found()


def check_complete_deletion(person, actor, without_request=False):
    if person.deleted_at is not None:
        raise PrivacyError(_("This account has already been deleted."), status=409)
    if actor is not None:
        if not permissions.is_admin(actor) or person.deletion_requested_at is None:
            raise _not_found()
        if not permissions.can_complete_deletion(person, actor):
            raise PrivacyError(_("Another administrator must complete the deletion of your own account."),
                               status=403)
    elif person.deletion_requested_at is None and not without_request:
        raise PrivacyError(_("This person has not asked for their account to be deleted."), status=409)
