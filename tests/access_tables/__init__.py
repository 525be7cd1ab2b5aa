"""The access table: every route × every role, with the status each role must get.

Each domain keeps its rows in a module of this package (spaces.py, forums.py, …) as

    ROWS = [Row("forums.thread", lambda w: f"/spaces/{w.sn_space.slug}/threads/{w.sn_thread.id}",
                expect(member=200, other_member=404, ...)), ...]

and, when its rows need content, a `setup(world)` that creates it and stores it on `world`.
tests/test_access.py runs every row for every role and fails when a route has no row.
"""
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "member", "other_member", "volunteer_in", "volunteer_out",
         "moderator", "facilitator", "admin")

LOGIN = "login"  # expected value: a redirect to the sign-in page


@dataclass
class Row:
    endpoint: str
    url: Callable
    expected: dict
    method: str = "GET"
    data: Callable | None = None
    id: str = field(default="")

    def __post_init__(self):
        missing = set(ROLES) - set(self.expected)
        assert not missing, f"{self.endpoint}: no expectation for {sorted(missing)}"
        self.id = self.id or f"{self.method} {self.endpoint}"


def expect(default=None, **by_role):
    """Expected status per role; `default` fills the roles not named."""
    table = dict.fromkeys(ROLES, default)
    table.update(by_role)
    return table


# Common shapes.
def signed_in_only(ok=200):
    return expect(ok, anonymous=LOGIN)


def space_members(ok=200, moderator=None, facilitator=None):
    """Readers of the Senegal space get `ok`; a Peru member and a former volunteer get 404."""
    return expect(ok, anonymous=LOGIN, other_member=404, volunteer_out=404,
                  moderator=moderator or ok, facilitator=facilitator or ok)


def admins_only(ok=200):
    return expect(404, anonymous=LOGIN, admin=ok)


def modules():
    package = importlib.import_module(__name__)
    return [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(package.__path__)]


def all_rows():
    return [row for module in modules() for row in getattr(module, "ROWS", [])]


def setup_all(world):
    for module in modules():
        if hasattr(module, "setup"):
            module.setup(world)
