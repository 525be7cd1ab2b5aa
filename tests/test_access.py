"""Every route × every role gets the status the access table expects; no route goes untested."""
import pytest

from tests.access_tables import LOGIN, ROLES, all_rows, setup_all
from tests.conftest import Auth

ROWS = all_rows()


@pytest.fixture
def access_world(app, world):
    app.config["WTF_CSRF_ENABLED"] = False  # the table checks permissions, not CSRF (tested apart)
    app.config["RATELIMIT_ENABLED"] = False
    setup_all(world)
    return world


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_route_answers_each_role_as_expected(app, access_world, row):
    mismatches = []
    for role in ROLES:
        client = app.test_client()
        person = access_world.roles[role]
        if person is not None:
            Auth(client).login(person.email)
        url = row.url(access_world)
        data = row.data(access_world) if row.data else {}
        response = client.open(url, method=row.method, data=data)
        expected = row.expected[role]
        if expected == LOGIN:
            ok = response.status_code == 302 and "/login" in response.headers.get("Location", "")
        elif isinstance(expected, (tuple, set, list)):
            ok = response.status_code in expected
        else:
            ok = response.status_code == expected
        if not ok:
            mismatches.append(f"{role}: expected {expected}, got {response.status_code}")
    assert not mismatches, f"{row.method} {row.url(access_world)}: " + "; ".join(mismatches)


def test_every_route_has_an_access_row(app):
    covered = {row.endpoint for row in ROWS}
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    missing = sorted(routes - covered)
    assert not missing, f"routes with no row in tests/access_tables: {missing}"
