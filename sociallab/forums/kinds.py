"""How the forums' notifications read, in the reader's language."""
from flask_babel import lazy_gettext as _l

from sociallab.notifications.messages import register

register("forums.mention", _l("%(author)s mentioned you in “%(title)s”"))
register("forums.quote", _l("%(author)s quoted you in “%(title)s”"))
register("forums.reply", _l("%(author)s replied in “%(title)s”"))
register("forums.new_thread", _l("%(author)s started “%(title)s” in %(category)s"))
register("forums.warning", _l("A moderator warned you about your message in “%(title)s”: %(text)s"))
register("forums.flag_hidden", _l("The message you flagged in “%(title)s” was hidden by a moderator"))
register("forums.flag_dismissed", _l("A moderator reviewed the message you flagged in “%(title)s” and kept it"))
register("forums.flag_locked", _l("After your flag, a moderator locked the thread “%(title)s”"))
register("forums.flag_warned", _l("After your flag, a moderator warned the author in “%(title)s”"))
register("forums.flagged", _l("A message was flagged in “%(title)s”: the review queue is waiting"))
