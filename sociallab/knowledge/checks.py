"""The checks every knowledge change passes first: may this person do it, and are its fields sound.

Who may do what is decided by the rules of `sociallab.permissions`, asked here for the acting person
(never the signed-in one implicitly: a service can act for anyone). A refusal is a KnowledgeError whose
status follows the policy of every domain: 404 for what the person may not read (the resource or its
space), 403 for what they read but may not do, 400 for bad input.
"""
from flask_babel import gettext as _

from sociallab import permissions
from sociallab.errors import ServiceError
from sociallab.knowledge.models import Resource

LANGUAGES = ("fr", "en", "es")


class KnowledgeError(ServiceError):
    """A change the library refuses; the message is shown to the person, `status` says how."""


def _unreadable():
    return KnowledgeError(_("This resource does not exist, or you do not have access to it."), status=404)


def check_read_space(space, user):
    if not permissions.can_read_space(space, user):
        raise KnowledgeError(_("This space does not exist, or you do not have access to it."), status=404)


def check_read(resource, user):
    if not permissions.can_read_resource(resource, user):
        raise _unreadable()


def check_add(space, user):
    """A new resource: the members of the space and its moderators."""
    check_read_space(space, user)
    if not permissions.can_add_resource(space, user):
        raise KnowledgeError(_("Only the members of this space can add resources to its library."), status=403)


def check_edit(resource, user):
    """Its fields, files and translations: the author and the space's moderators."""
    check_read(resource, user)
    if not permissions.can_edit_resource(resource, user):
        raise KnowledgeError(_("Only the author and the moderators of this space can change this resource."),
                             status=403)


def check_moderate(resource, user):
    """Hiding and showing again: the space's moderators."""
    check_read(resource, user)
    if not permissions.can_moderate(resource.space, user):
        raise KnowledgeError(_("Only the moderators of this space can do this."), status=403)


def check_fields(type, title, lang, status=None):
    if type not in Resource.TYPES:
        raise KnowledgeError(_("Choose a type from the list."))
    if not (title or "").strip():
        raise KnowledgeError(_("Give the resource a title."))
    if lang not in LANGUAGES:
        raise KnowledgeError(_("Choose the language the resource is written in."))
    if status is not None and status not in Resource.STATUSES:
        raise KnowledgeError(_("Choose a status from the list."))
