"""How the forums' notifications read (registered by forums.init_app)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

# Why a post was flagged, as the author of a hidden post reads it (Flag.REASONS).
FLAG_REASONS = {
    "identifies_child": _l("it may identify a child"),
    "abusive": _l("abusive or disrespectful"),
    "spam": _l("spam or advertising"),
    "off_topic": _l("off topic"),
    "other": _l("another reason"),
}


def post_hidden(data):
    """A moderator hid the reader's post after a flag: why, and what the moderator wrote."""
    reasons = [str(FLAG_REASONS[reason]) for reason in data.get("reasons") or () if reason in FLAG_REASONS]
    values = {"title": data.get("title", ""), "text": (data.get("text") or "").strip(),
              "reasons": ", ".join(reasons) or str(FLAG_REASONS["other"])}
    told = ngettext("A moderator hid your message in “%(title)s”. Reason: %(reasons)s.",
                    "A moderator hid your message in “%(title)s”. Reasons: %(reasons)s.",
                    len(reasons) or 1, **values)
    if values["text"]:
        told = _("%(told)s The moderator wrote: %(text)s", told=told, text=values["text"])
    return told


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
    "forums.post_hidden": post_hidden,
    "forums.post_hidden_by_moderator": _l("A moderator hid your message in “%(title)s”: only you and the "
                                          "moderators see it now"),
}
