"""How the audit log names the forums' actions (registered by init_app)."""
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "forums.category.create": _l("Forum category created"),
    "forums.category.update": _l("Forum category changed"),
    "forums.thread.update": _l("Thread pinned or locked"),
    "forums.thread.move": _l("Thread moved"),
    "forums.post.edit": _l("Post edited"),
    "forums.post.delete": _l("Post deleted"),
    "forums.post.hide": _l("Post hidden"),
    "forums.post.unhide": _l("Post shown again"),
    "forums.flag.resolve": _l("Flagged post dealt with"),
}
