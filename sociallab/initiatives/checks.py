"""The checks every change to an initiative passes first: may this person do it, for whom it is asked.

Who may do what is decided by the rules of `sociallab.permissions`, asked here for the acting person
(never the signed-in one implicitly: a service can act for anyone). A refusal is an InitiativeError
(or the error of the module that asks: StageError, CurationError, IndicatorError) whose status follows
the policy of every domain: 404 for what the person may not read, 403 for what they read but may not do.
"""
from flask_babel import gettext as _

from sociallab import permissions
from sociallab.errors import ServiceError


class InitiativeError(ServiceError):
    """A refused change; `field` names the form field at fault, the message is translated."""

    def __init__(self, message, field=None, status=None):
        super().__init__(message, status=status)
        self.field = field


def refuse_unless(allowed, initiative, user, message, error=InitiativeError):
    """A rule's answer for the acting person: nothing when it allows, else `message` with 403 for a
    reader of the initiative, or 404 for someone who may not know it exists."""
    if allowed:
        return
    if not permissions.can_read_initiative(initiative, user):
        raise error(_("This initiative does not exist, or you do not have access to it."), status=404)
    raise error(message, status=403)


def check_create(space, user):
    """A new initiative: the members of the space's partner organisations (and administrators)."""
    if not permissions.can_read_space(space, user):
        raise InitiativeError(_("This space does not exist, or you do not have access to it."), status=404)
    if not permissions.can_create_initiative(space, user):
        raise InitiativeError(_("Only members of a partner organisation of this space can start an "
                                "initiative here."), status=403)


def check_edit(initiative, user, error=InitiativeError):
    """Its text, journal and indicators: the partners and administrators, until it is archived."""
    refuse_unless(permissions.can_edit_initiative(initiative, user), initiative, user,
                  _("Only the partners of this initiative can change it, and not once it is archived."), error)


def check_move(initiative, space, user):
    """Moving it to another space: a space where the person could start it."""
    if space.id != initiative.space_id and not permissions.can_create_initiative(space, user):
        raise InitiativeError(_("You cannot move the initiative to %(space)s.", space=space.name), "space",
                              status=403)


def check_change_stage(initiative, user, error=InitiativeError):
    """Its stage: its partners, and the moderators of its space until it is archived."""
    refuse_unless(permissions.can_change_stage(initiative, user), initiative, user,
                  _("Only the partners of this initiative and the moderators of its space can change its "
                    "stage."), error)


def check_review_queue(user):
    """The review queue: whoever moderates a space; for anyone else it does not exist."""
    if not permissions.moderated_space_ids(user):
        raise InitiativeError(_("There is no review queue for you."), status=404)
