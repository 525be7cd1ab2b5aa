"""The checks every forum change passes first: may this person do it, and do the forum's rules allow it now.

Who may do what is decided by the rules of `sociallab.permissions`, asked here for the acting person
(never the signed-in one implicitly: a service can act for anyone). A refusal is a ForumError whose
status follows the policy of every domain: 404 for what the person may not read, 403 for what they
read but may not do, 400 for bad input, 409 for a change already made.
"""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from sociallab import permissions
from sociallab.errors import ServiceError
from sociallab.forums.models import BODY_MAX, TITLE_MAX, Flag


class ForumError(ServiceError):
    """A change the forum refuses; the message is shown to the person, `status` says how."""


def _unreadable():
    return ForumError(_l("This discussion does not exist, or you do not have access to it."), status=404)


def _moderators_only():
    return ForumError(_l("Only the moderators of this space can do this."), status=403)


def check_text(title=None, body=None):
    """Bounds that hold whoever writes (forms check them too, with field-level messages)."""
    if title is not None and not (0 < len(title.strip()) <= TITLE_MAX):
        raise ForumError(lazy_ngettext("A title needs 1 to %(num)d character.",
                                       "A title needs 1 to %(num)d characters.", TITLE_MAX))
    if body is not None and not (0 < len(body.strip()) <= BODY_MAX):
        raise ForumError(lazy_ngettext("A message needs 1 to %(num)d character.",
                                       "A message needs 1 to %(num)d characters.", BODY_MAX))


def check_read(space, user):
    """Watching, reading marks: the readers of the space."""
    if not permissions.can_read_space(space, user):
        raise _unreadable()


def check_moderate(space, user):
    """Categories, pinning, locking, moving and the review queue: the space's moderators."""
    check_read(space, user)
    if not permissions.can_moderate_forum(space, user):
        raise _moderators_only()


def check_start_thread(category, user):
    """A new thread: every reader of the space, in a category that is not archived."""
    check_read(category.space, user)
    if not permissions.can_start_thread(category, user):
        raise ForumError(_l("This category is archived: it takes no new threads."), status=403)


def check_reply(thread, user):
    """A reply: every reader of the space, unless the thread is locked (moderators still may)."""
    check_read(thread.space, user)
    if not permissions.can_post_in(thread, user):
        raise ForumError(_l("This thread is locked: it takes no new replies."), status=403)


def check_move_thread(thread, user, category=None):
    """Moving: moderators, a thread of a category (a discussion stays with its owner), to another
    category of the same space."""
    check_moderate(thread.space, user)
    message = _l("A thread can only move to another category of its space.")
    if thread.category_id is None:
        raise ForumError(message, status=403)
    if category is not None and category.space_id != thread.space_id:
        raise ForumError(message)


def _check_post(post, user, action):
    """`action` on a post, one of permissions.post_actions' names; a post the person may not
    see does not exist for them."""
    check_read(post.thread.space, user)
    if not permissions.can_see_post(post, user):
        raise _unreadable()
    if action not in permissions.post_actions(post.thread, [post], user)[post.id]:
        raise ForumError(_l("You may not do this with this message."), status=403)


def check_edit_post(post, user):
    _check_post(post, user, "edit")


def check_delete_post(post, user):
    _check_post(post, user, "delete")


def check_flag_post(post, user, reason=None):
    _check_post(post, user, "flag")
    if reason is not None and reason not in Flag.REASONS:
        raise ForumError(_l("Choose a reason."))


def check_moderate_post(post, user):
    """Hiding, a post's history, resolving its flags: the moderators of its space."""
    _check_post(post, user, "see")
    if not permissions.can_moderate_post(post, user):
        raise _moderators_only()


def check_resolve_flag(flag, user, outcome=None):
    check_moderate_post(flag.post, user)
    if flag.resolved_at is not None:
        raise ForumError(_l("This flag has already been resolved."), status=409)
    if outcome is not None and outcome not in Flag.OUTCOMES:
        raise ForumError(_l("Choose an action."))
