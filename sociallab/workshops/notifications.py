"""How the workshops' notifications read (registered by workshops.init_app)."""
from flask_babel import lazy_gettext as _l

REMINDER = "workshop.reminder"
SCHEDULED_NOTICE = "workshop.scheduled"

KINDS = {
    REMINDER: _l("Reminder: the workshop “%(title)s” starts within a day."),
    SCHEDULED_NOTICE: _l("You are a facilitator of the workshop “%(title)s”."),
}
