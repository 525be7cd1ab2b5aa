"""Domains plug themselves in through each app's init_app: importing a module registers nothing."""
import json
import subprocess
import sys
from pathlib import Path

import config
from sociallab import create_app
from sociallab.extensions import socketio
from sociallab.workshops import room

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter, where no app has been created yet: every module of sociallab is
# imported, then whatever a module registered into something shared is reported.
IMPORT_EVERYTHING = r"""
import importlib, inspect, json, pkgutil
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.engine import Engine

import sociallab
from sociallab.extensions import socketio

names = sorted(m.name for m in pkgutil.walk_packages(sociallab.__path__, "sociallab."))
modules = [importlib.import_module(name) for name in names]
functions = {f for m in modules for _n, f in inspect.getmembers(m, inspect.isfunction)
             if f.__module__.startswith("sociallab")}
session_events = ("before_flush", "after_flush", "after_flush_postexec", "before_commit", "after_commit",
                  "after_rollback", "after_soft_rollback", "after_begin")
listeners = sorted(f"{f.__module__}.{f.__name__} on Session.{name}" for f in functions for name in session_events
                   if event.contains(Session, name, f))
listeners += sorted(f"{f.__module__}.{f.__name__} on Engine.connect" for f in functions
                    if event.contains(Engine, "connect", f))

from sociallab import permissions, spaces
from sociallab.notifications import messages
registries = {
    "template helpers beyond the core's": sorted(set(getattr(permissions, "TEMPLATE_HELPERS", {}))
        - {"can_read_space", "can_moderate", "can_facilitate", "can_invite", "is_admin", "is_space_member"}),
    "space sections": [t for _o, t in getattr(spaces.views, "SPACE_HOME_SECTIONS", [])],
    "notification kinds": sorted(set(getattr(messages, "MESSAGES", {})) - {"generic"}),
}
print(json.dumps({
    "modules": len(modules),
    "socket handlers": [f"{ns} {message}" for message, _h, ns in socketio.handlers],
    "socket error handlers": sorted(socketio.exception_handlers),
    "socket namespaces": [n.namespace for n in socketio.namespace_handlers],
    "session and engine listeners": listeners,
    **registries,
}))
"""


def test_importing_every_module_registers_nothing():
    result = subprocess.run([sys.executable, "-c", IMPORT_EVERYTHING], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report.pop("modules") > 80
    assert report == {key: [] for key in report}


DOMAIN_BLUEPRINTS = {"accounts", "spaces", "admin", "notifications", "forums", "initiatives", "knowledge",
                     "workshops", "search", "ops"}
TEMPLATE_GLOBALS = {
    # the core's
    "can_read_space", "can_moderate", "can_facilitate", "can_invite", "is_admin", "is_space_member",
    "current_language", "LANGUAGE_NAMES", "has_endpoint",
    # forums
    "post_actions", "can_see_post", "can_start_thread", "can_post_in", "can_edit_post", "can_delete_post",
    "can_flag_post", "can_moderate_post", "can_moderate_forum", "discussion_context", "post_clock",
    "post_labels", "forum_categories", "forum_latest_threads",
    # initiatives
    "can_read_initiative", "can_create_initiative", "can_edit_initiative", "can_curate", "can_change_stage",
    "can_view_review_queue", "initiative_filter_url", "stage_label", "initiative_status_label",
    "recent_initiatives",
    # knowledge
    "can_read_resource", "can_add_resource", "can_edit_resource", "RESOURCE_TYPE_LABELS",
    "RESOURCE_STATUS_LABELS",
    # workshops
    "can_view_workshop", "can_run_workshop", "can_enter_room", "workshops_upcoming",
}
FILTERS = {"markdown", "when", "format_number", "share", "format_day"}
SECTIONS = ["accounts/_mandate_section.html", "forums/_space_section.html", "initiatives/_space_section.html",
            "knowledge/_space_section.html", "workshops/_space_section.html"]
KINDS = {"forums.mention", "forums.flagged", "initiative.submitted", "initiative.restore", "workshop.reminder",
         "workshop.scheduled"}
COMMANDS = {"seed-demo", "serve", "reindex", "check-index", "rerender-posts", "send-digests",
            "send-workshop-reminders", "default-categories", "export-user", "delete-user", "run-scheduled",
            "move-files", "init", "backup", "restore"}
SOCKET_EVENTS = {"/forums": {"connect", "join"},
                 "/workshops": {"connect", "disconnect", "join", "resume", *room.ACTIONS}}
SEARCH_TYPES = {"thread", "post", "initiative", "journal", "resource"}
AUDIT_ACTIONS = {"forums.post.hide", "initiative.feature", "indicator.values", "resource.hide", "workshop.ended"}


def _registered(app, server):
    from flask_sqlalchemy.session import Session
    from sqlalchemy import event

    from sociallab.audit.actions import registered_actions
    from sociallab.notifications.messages import kinds
    from sociallab.search import hooks
    from sociallab.search.documents import document_types
    from sociallab.spaces.sections import section_templates
    return {
        "blueprints": DOMAIN_BLUEPRINTS - set(app.blueprints),
        "template globals": TEMPLATE_GLOBALS - set(app.jinja_env.globals),
        "filters": FILTERS - set(app.jinja_env.filters),
        "sections": section_templates(app) == SECTIONS,
        "notification kinds": KINDS - set(kinds(app)),
        "commands": COMMANDS - set(app.cli.commands["sociallab"].commands),
        "socket events": {ns: events - set(server.handlers.get(ns, {})) for ns, events in SOCKET_EVENTS.items()},
        "socket errors": "/workshops" in socketio.exception_handlers,
        "search types": SEARCH_TYPES - {kind.name for kind in document_types(app)},
        "search hooks": all(event.contains(Session, name, listener) for name, listener in hooks.LISTENERS),
        "audit actions": AUDIT_ACTIONS - set(registered_actions(app)),
    }


def test_each_app_of_a_process_registers_everything_on_its_own():
    expected = {"blueprints": set(), "template globals": set(), "filters": set(), "sections": True,
                "notification kinds": set(), "commands": set(),
                "socket events": {"/forums": set(), "/workshops": set()}, "socket errors": True,
                "search types": set(), "search hooks": True, "audit actions": set()}
    first = create_app(config.TestConfig)
    first_server = socketio.server
    second = create_app(config.TestConfig)
    # Flask-SocketIO makes a new server for every app: the second must not rely on the first's.
    assert socketio.server is not first_server
    assert _registered(first, first_server) == expected
    assert _registered(second, socketio.server) == expected
