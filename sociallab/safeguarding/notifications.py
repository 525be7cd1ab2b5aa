"""How safeguarding's notifications read (registered by safeguarding.init_app)."""
from flask_babel import lazy_gettext as _l

KINDS = {
    "safeguarding.held": _l("A %(what)s that may identify a child waits for your review"),
}
