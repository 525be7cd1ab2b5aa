"""The names of the audited actions, registered by each domain's init_app: the audit log names an
action in the reader's language without importing the domain that records it."""
from flask import current_app

_ACTIONS_KEY = "sociallab_audit_actions"


def register_actions(app, labels):
    """Let `app`'s audit log name these actions: {action code: lazy label}."""
    app.extensions.setdefault(_ACTIONS_KEY, {}).update(labels)


def registered_actions(app=None):
    """{action code: lazy label} for every action a domain registered with `app` (the current one by default)."""
    return (app or current_app).extensions.get(_ACTIONS_KEY, {})
