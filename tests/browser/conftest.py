"""Headless Chromium (Debian's) driven by Playwright, against the app served on 127.0.0.1."""
import os
import shutil
import threading
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

import config
from sociallab import create_app
from sociallab.demo import seed_demo
from sociallab.extensions import db
from tests.conftest import skip_or_fail
from tests.database import reset_database, restore, snapshot

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "artifacts")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not shutil.which(CHROMIUM):
        skip_or_fail(f"Chromium not found at {CHROMIUM}")
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


class LiveServer:
    def __init__(self, app, port):
        self.app, self.port = app, port
        self.url = f"http://127.0.0.1:{port}"

    def screenshot(self, page, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, f"{name}.png")
        page.screenshot(path=path, full_page=True)
        return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """Where this process keeps the seeded demo (its rows, search index and uploaded files)."""
    return {"folder": tmp_path_factory.mktemp("demo"), "rows": None}


def _load_demo(app, template):
    """The demo data in the live app's database, search index and uploads: seeded through the real
    code by the process's first browser test, copied for the others (seeding took 3 to 4 s a test)."""
    reset_database(app)
    folders = {name: app.config[name] for name in ("SEARCH_INDEX_DIR", "UPLOAD_DIR")}
    if template["rows"] is None:
        seed_demo()
        db.session.remove()
        template["rows"] = snapshot()
        for name, folder in folders.items():
            if os.path.isdir(folder):
                shutil.copytree(folder, template["folder"] / name)
        return
    restore(template["rows"])
    for name, folder in folders.items():
        if os.path.isdir(template["folder"] / name):
            shutil.copytree(template["folder"] / name, folder, dirs_exist_ok=True)


@pytest.fixture
def live_server(tmp_path, demo_template):
    """The whole app (HTTP and Socket.IO) on a free port, with the demo data loaded.

    Uses its own SQLite file (or TEST_DATABASE_URL), so the server's threads see committed data.
    """
    db_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'live_test.db'}"

    class LiveConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = db_url
        SEARCH_INDEX_DIR = str(tmp_path / "index")
        UPLOAD_DIR = str(tmp_path / "uploads")
        RATELIMIT_ENABLED = False
        # Served as in production: its process records room heartbeats (stopped at teardown).
        WORKSHOP_HEARTBEAT_TASK = True

    app = create_app(LiveConfig)
    with app.app_context():
        _load_demo(app, demo_template)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, server.server_port)
    from sociallab.workshops import hosts
    hosts.stop(app)
    server.shutdown()
    thread.join(timeout=5)


def sign_in(page, server, email, password=config.Config.DEMO_PASSWORD):
    page.goto(f"{server.url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit].primary")
    page.wait_for_load_state()


AXE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "vendor", "axe-core", "axe.min.js")


def axe_violations(page, impacts=("serious", "critical")):
    """Run the vendored axe-core on the current page; WCAG 2.1 A/AA violations of these impacts."""
    # evaluate() runs through the DevTools protocol, so the page's CSP does not block axe.
    with open(AXE, encoding="utf-8") as f:
        page.evaluate(f.read())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
            for v in result["violations"] if v["impact"] in impacts]


@dataclass(frozen=True)
class DemoSamples:
    """Ids of one of each thing a Senegalese partner opens in the demo, and the live room."""
    category: int
    thread: int
    initiative: int
    resource: int
    workshop: int
    live_room: str


def demo_samples(app):
    """The demo's own ids of the pages the page-by-page browser tests open."""
    from sociallab.forums.models import Category, Thread
    from sociallab.initiatives.models import Initiative
    from sociallab.knowledge.models import Resource
    from sociallab.spaces.models import Space
    from sociallab.workshops.models import Workshop

    def first(model, *where):
        return db.session.scalar(db.select(model.id).where(*where).order_by(model.id))

    with app.app_context():
        sn = db.session.scalar(db.select(Space.id).where(Space.slug == "country-sn"))
        category = first(Category, Category.space_id == sn)
        live = db.session.execute(db.select(Space.slug, Workshop.id).join(Workshop.space).where(
            Workshop.started_at.is_not(None), Workshop.ended_at.is_(None)).order_by(Workshop.id)).first()
        samples = (category, first(Thread, Thread.category_id == category),
                   first(Initiative, Initiative.space_id == sn, Initiative.status == "published"),
                   first(Resource, Resource.space_id == sn, Resource.status == "published"),
                   first(Workshop, Workshop.space_id == sn), live)
        db.session.remove()
    assert None not in samples, "the demo lost a sample"
    *ids, (slug, live_id) = samples
    return DemoSamples(*ids, live_room=f"/spaces/{slug}/workshops/{live_id}/room")
