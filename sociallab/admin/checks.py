"""What every administrative change passes first: the acting person is an administrator, and the state allows it.

A refusal is an AdminError: 404 for someone who is not an administrator (the administration does
not exist for them, as its pages answer), 400 for a value the Lab's rules refuse (the form comes
back with the reason).
"""
from flask_babel import lazy_gettext as _l

from sociallab import permissions
from sociallab.errors import ServiceError
from sociallab.extensions import db


class AdminError(ServiceError):
    """A change the administration refuses; the message is shown to the person, `status` says how."""


def check_admin(actor):
    """Every administrative change: administrators only (the rule of sociallab.permissions)."""
    if not permissions.is_admin(actor):
        raise AdminError(_l("Only administrators can do this."), status=404)


def exists(model, exclude=None, **keys):
    """Whether another row of `model` than `exclude` has these values (codes, names, addresses are unique)."""
    query = db.select(model.id).filter_by(**keys)
    if exclude is not None and exclude.id is not None:
        query = query.where(model.id != exclude.id)
    return db.session.scalar(query.limit(1)) is not None
