"""How the forums' notifications read (registered by forums.init_app)."""
from flask_babel import lazy_gettext as _l

KINDS = {
    "forums.mention": _l("%(author)s mentioned you in “%(title)s”"),
    "forums.quote": _l("%(author)s quoted you in “%(title)s”"),
    "forums.reply": _l("%(author)s replied in “%(title)s”"),
    "forums.new_thread": _l("%(author)s started “%(title)s” in %(category)s"),
    "forums.warning": _l("A moderator warned you about your message in “%(title)s”: %(text)s"),
    "forums.flag_hidden": _l("The message you flagged in “%(title)s” was hidden by a moderator"),
    "forums.flag_dismissed": _l("A moderator reviewed the message you flagged in “%(title)s” and kept it"),
    "forums.flag_locked": _l("After your flag, a moderator locked the thread “%(title)s”"),
    "forums.flag_warned": _l("After your flag, a moderator warned the author in “%(title)s”"),
    "forums.flagged": _l("A message was flagged in “%(title)s”: the review queue is waiting"),
}
