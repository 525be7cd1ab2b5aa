"""How the audit log names the initiatives' actions (registered by init_app); the curation acts
are recorded as initiative.<act> (curation.ACTS)."""
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "initiative.create": _l("Initiative created"),
    "initiative.edit": _l("Initiative changed"),
    "initiative.stage": _l("Initiative stage changed"),
    "initiative.submit": _l("Initiative submitted for review"),
    "initiative.request_changes": _l("Changes requested on an initiative"),
    "initiative.approve": _l("Initiative approved and published"),
    "initiative.feature": _l("Initiative featured as good practice"),
    "initiative.unfeature": _l("Initiative removed from good practices"),
    "initiative.archive": _l("Initiative archived"),
    "initiative.restore": _l("Initiative restored"),
    "indicator.create": _l("Indicator created"),
    "indicator.edit": _l("Indicator changed"),
    "indicator.values": _l("Indicator values entered"),
    "indicator.values_deleted": _l("Indicator values deleted"),
}
