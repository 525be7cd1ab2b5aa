"""How the audit log names the workshops' actions (registered by init_app)."""
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "workshop.scheduled": _l("Workshop scheduled"),
    "workshop.updated": _l("Workshop changed"),
    "workshop.started": _l("Workshop started"),
    "workshop.ended": _l("Workshop ended"),
    "workshop.message_removed": _l("Workshop chat message removed"),
    "workshop.participant_removed": _l("Participant removed from a workshop"),
}
