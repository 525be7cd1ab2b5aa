"""How the initiatives' notifications read (registered by initiatives.init_app)."""
from flask_babel import lazy_gettext as _l

KINDS = {
    "initiative.submitted": _l("%(actor)s submitted “%(title)s” for review."),
    "initiative.request_changes": _l("%(actor)s asked for changes to “%(title)s”: %(comment)s"),
    "initiative.approve": _l("“%(title)s” was approved by %(actor)s and is now published."),
    "initiative.feature": _l("“%(title)s” is now featured as a good practice."),
    "initiative.unfeature": _l("“%(title)s” was removed from the good practices."),
    "initiative.archive": _l("“%(title)s” was archived by %(actor)s."),
    "initiative.restore": _l("“%(title)s” was restored by %(actor)s."),
}
