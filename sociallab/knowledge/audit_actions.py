"""How the audit log names the knowledge base's actions (registered by init_app)."""
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "resource.hide": _l("Resource hidden"),
    "resource.unhide": _l("Resource shown again"),
}
