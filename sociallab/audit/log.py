"""The audit log as people read it: entries listed and filtered, their actions, fields and targets named."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from sociallab.accounts.models import User
from sociallab.audit.actions import registered_actions
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.spaces.models import Country, Organisation, Region, Space, Theme

ENTRIES_PER_PAGE = 50

# How the log names the core's actions; the other domains register theirs from their init_app
# (sociallab.audit.register_actions). An action nobody named shows its code.
ACTION_LABELS = {
    "region.create": _l("Region created"), "region.update": _l("Region changed"),
    "country.create": _l("Country created"), "country.update": _l("Country changed"),
    "space.create": _l("Space created"), "space.update": _l("Space changed"),
    "space.archive": _l("Space archived"), "space.unarchive": _l("Space restored"),
    "organisation.create": _l("Organisation created"), "organisation.update": _l("Organisation changed"),
    "person.create": _l("Person created"), "person.update": _l("Person changed"),
    "mandate.create": _l("Mandate created"), "mandate.update": _l("Mandate changed"),
    "space_role.add": _l("Role given"), "space_role.remove": _l("Role removed"),
    "theme.create": _l("Theme created"), "theme.update": _l("Theme changed"),
    "invitation.create": _l("Invitation sent"), "invitation.revoke": _l("Invitation revoked"),
    "invitation.accept": _l("Invitation accepted"),
    "account.export": _l("Data downloaded"), "account.deletion_requested": _l("Deletion requested"),
    "account.deletion_cancelled": _l("Deletion request cancelled"), "account.delete": _l("Account deleted"),
    "safeguarding.approved": _l("Held item approved"),
    "safeguarding.redacted": _l("Identifying details removed"),
}

# How the log names the fields it shows; other fields show their name.
FIELD_LABELS = {
    "active": _l("Active"), "archived": _l("Archived"), "code": _l("Code"), "country_id": _l("Country"),
    "email": _l("E-mail address"), "end_date": _l("End"), "expires_at": _l("Expires"),
    "focal_point_id": _l("Focal point"), "is_admin": _l("Administrator"), "iso2": _l("ISO code"),
    "kind": _l("Kind"), "language": _l("Language"), "name": _l("Name"), "organisation_id": _l("Organisation"),
    "region_id": _l("Region"), "role": _l("Role"), "slug": _l("Address"), "space_id": _l("Space"),
    "specialty": _l("Specialty"), "start_date": _l("Start"), "timezone": _l("Time zone"), "user_id": _l("Person"),
}

# What an entry's target is called, for the types the log knows.
_TARGET_LABELS = {
    "User": (User, lambda o: o.name),
    "Organisation": (Organisation, lambda o: o.name),
    "Country": (Country, lambda o: o.name),
    "Region": (Region, lambda o: o.name),
    "Space": (Space, lambda o: o.name),
    "Theme": (Theme, lambda o: o.label),
}


def _newest_first():
    return db.select(AuditEntry).options(joinedload(AuditEntry.actor)) \
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def entries(action=None, actor_id=None, page=1, per_page=ENTRIES_PER_PAGE):
    """A page of entries, newest first, with their actors loaded in the same query."""
    query = _newest_first()
    if action:
        query = query.where(AuditEntry.action == action)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=per_page)


def recent_entries(limit=8):
    return db.session.scalars(_newest_first().limit(limit)).all()


def filter_choices():
    """The actions and the people that appear in the log, for its filters: (actions, [(id, name)])."""
    actions = db.session.scalars(db.select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    actors = db.session.execute(
        db.select(User.id, User.name).where(User.id.in_(db.select(AuditEntry.actor_id).distinct()))
        .order_by(User.name)).all()
    return actions, [(uid, name) for uid, name in actors]


def action_labels():
    """{action code: label} for every action the current app can name, the core's and the domains'."""
    return {**ACTION_LABELS, **registered_actions()}


def action_label(action):
    return str(action_labels().get(action, action))


def target_labels(entries):
    """{(target_type, target_id): name} for the entries' targets, one query per type (not per entry)."""
    wanted = {}
    for entry in entries:
        if entry.target_type in _TARGET_LABELS and entry.target_id is not None:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    labels = {}
    for target_type, ids in wanted.items():
        model, label = _TARGET_LABELS[target_type]
        for obj in db.session.scalars(db.select(model).where(model.id.in_(ids))):
            labels[(target_type, obj.id)] = label(obj)
    for entry in entries:
        # Removed targets (a revoked invitation) are named by what the entry kept of them.
        kept = (entry.before or {}).get("email") or (entry.after or {}).get("email")
        if kept:
            labels.setdefault((entry.target_type, entry.target_id), kept)
    return labels


def changes(entry):
    """(field, before, after) for each field of an entry, in a stable order."""
    before, after = entry.before or {}, entry.after or {}
    fields = list(before) + [f for f in after if f not in before]
    return [(f, before.get(f), after.get(f)) for f in fields]
