"""The audit log names every action recorded anywhere in the app in the reader's language: the core's
are named by the audit domain, the others by the domain that records them (registered from its
init_app). An action nobody named still shows its code."""
import ast
from pathlib import Path

from flask_babel import force_locale

from sociallab.audit import log
from sociallab.audit.services import record
from sociallab.extensions import db
from sociallab.forums import moderation
from sociallab.initiatives import curation
from sociallab.initiatives.models import Initiative
from tests import factories
from tests.conftest import Auth

SOURCE = Path(__file__).resolve().parents[2] / "sociallab"
# The functions of sociallab.audit.services that record an action, and where they take it.
RECORDERS = {"record": 1, "add_and_record": 2, "apply_and_record": 2}
# Actions built at run time, by their source text: what they can be.
BUILT_ACTIONS = {
    "f'initiative.{act_name}'": {f"initiative.{name}" for name in curation.ACTS},
}


def _function_of(tree, node):
    """The innermost function holding node (or the module)."""
    holder = tree
    for candidate in ast.walk(tree):
        if isinstance(candidate, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                candidate.lineno <= node.lineno <= candidate.end_lineno and \
                (holder is tree or candidate.lineno >= holder.lineno):
            holder = candidate
    return holder


def _actions(expression, scope, where, follow_names=True):
    """Every action code `expression` can be; fails on a form it cannot read."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return {expression.value}
    if isinstance(expression, ast.IfExp):
        return _actions(expression.body, scope, where) | _actions(expression.orelse, scope, where)
    if isinstance(expression, ast.JoinedStr) and ast.unparse(expression) in BUILT_ACTIONS:
        return BUILT_ACTIONS[ast.unparse(expression)]
    if isinstance(expression, ast.Name) and follow_names:
        values = [node.value for node in ast.walk(scope) if isinstance(node, ast.Assign)
                  for target in node.targets if isinstance(target, ast.Name) and target.id == expression.id]
        assert values, f"{where}: the action {expression.id} is assigned nowhere in its function"
        return set().union(*(_actions(value, scope, where, follow_names=False) for value in values))
    raise AssertionError(f"{where}: cannot tell which action {ast.unparse(expression)!r} records; "
                         "write it as a string, or add its form to BUILT_ACTIONS")


def recorded_actions():
    """{action code: where} for every action recorded in sociallab/, read from the source."""
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if path.parent.name == "audit":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "sociallab.audit" and \
                    any(alias.name == "services" for alias in node.names):
                raise AssertionError(f"{path}: import the recording functions by name, so this test sees them")
            if isinstance(node, ast.Import):
                assert all(alias.name != "sociallab.audit.services" for alias in node.names), path
            if isinstance(node, ast.ImportFrom) and node.module == "sociallab.audit.services":
                names.update({alias.asname or alias.name: alias.name for alias in node.names
                              if alias.name in RECORDERS})
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
                where = f"{path.relative_to(SOURCE.parent)}:{node.lineno}"
                position = RECORDERS[names[node.func.id]]
                keyword = [k.value for k in node.keywords if k.arg == "action"]
                expression = keyword[0] if keyword else node.args[position]
                for action in _actions(expression, _function_of(tree, node), where):
                    found.setdefault(action, where)
    return found


def test_the_source_scan_finds_every_domains_actions():
    # The scan itself is checked: it must see the actions of the core and of every recording domain.
    found = recorded_actions()
    assert {"space.archive", "space.unarchive", "region.create", "person.create", "account.delete",
            "forums.post.hide", "forums.thread.move", "initiative.feature", "initiative.request_changes",
            "indicator.values_deleted", "resource.unhide", "workshop.ended"} <= set(found)
    assert len(found) > 50


def test_every_recorded_action_has_a_label_in_french_and_spanish(app):
    found = recorded_actions()
    with app.test_request_context():
        labels = log.action_labels()
        assert {action: where for action, where in found.items() if action not in labels} == {}
        with force_locale("en"):
            english = {action: str(labels[action]) for action in found}
        for language in ("fr", "es"):
            with force_locale(language):
                untranslated = {action for action in found if str(labels[action]) == english[action]}
            assert untranslated == set(), language


def test_the_audit_page_in_french_names_a_hidden_post_and_keeps_an_unknown_code(app, client, world):
    forum = factories.forum(world)
    moderation.set_hidden(forum.first, world.moderator, True)
    curation.curate(factories.make_initiative(world, status=Initiative.SUBMITTED), "approve", world.moderator)
    record(world.admin, "somewhere.else.done", world.sn_org)
    world.admin.language = "fr"
    db.session.commit()
    Auth(client).login(world.admin.email)

    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Message masqué<br>" in html and ">forums.post.hide<" not in html
    assert "Initiative approuvée et publiée<br>" in html
    assert "somewhere.else.done<br>" in html, "an action nobody named shows its code"
    assert '<option value="forums.post.hide">Message masqué</option>' in html, "the filter names it too"
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Message masqué" in dashboard
