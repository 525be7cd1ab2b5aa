"""Whoosh is written after the commit: a process stopped in between leaves a note in the database
(search_pending), and the next process to start writes what it noted (sociallab/search/pending.py)."""
import pytest

from sociallab import search
from sociallab.extensions import db
from sociallab.search import pending
from sociallab.search.engine import SearchEngine
from sociallab.search.models import SearchPending
from tests.factories import resource


@pytest.fixture
def search_backend():
    return "whoosh"  # the PostgreSQL backend writes its rows in the transaction: nothing to note


def notes():
    return dict(db.session.execute(db.select(SearchPending.search_id, SearchPending.token)).all())


def test_a_change_written_to_the_index_leaves_no_note(find, world):
    item = resource(world.sn_space, world.member, "Fiche", body="mangrove")
    assert find(world.member, "mangrove").total == 1
    db.session.delete(item)
    db.session.commit()
    assert notes() == {}


def test_a_change_the_index_never_got_is_written_by_the_next_process(app, find, world, monkeypatch):
    kept = resource(world.sn_space, world.member, "Fiche", body="baobab")
    gone = resource(world.sn_space, world.member, "Autre", body="palmier")

    def stopped(self, documents=(), removals=()):  # the process dies between commit and index write
        raise SystemError("killed")
    monkeypatch.setattr(SearchEngine, "apply", stopped)
    new = resource(world.sn_space, world.member, "Nouvelle", body="mangrove")
    db.session.delete(gone)
    db.session.commit()
    monkeypatch.undo()
    assert set(notes()) == {f"resource:{new.id}", f"resource:{gone.id}"}
    assert find(world.member, "mangrove").total == 0 and find(world.member, "palmier").total == 1

    search.write_pending_at_start(app)  # what create_app does in a server process

    assert notes() == {}
    assert find(world.member, "mangrove").total == 1
    assert find(world.member, "palmier").total == 0 and find(world.member, "baobab").total == 1
    report = app.test_cli_runner().invoke(args=["sociallab", "check-index"])
    assert report.exit_code == 0 and "matches" in report.output, report.output
    assert kept.id


def test_clearing_an_earlier_note_keeps_a_later_change_of_the_same_document(app):
    with db.engine.begin() as connection:
        first = pending.note(connection, ["resource:7"])
    with db.engine.begin() as connection:
        later = pending.note(connection, ["resource:7", "post:3"])
    with db.engine.connect() as connection:
        pending.written(connection, first)
    assert notes() == {"resource:7": later, "post:3": later}
    with db.engine.connect() as connection:
        pending.written(connection, later)
    assert notes() == {}


def test_a_database_not_migrated_yet_is_left_alone_at_start(app):
    SearchPending.__table__.drop(db.engine)
    try:
        search.write_pending_at_start(app)  # flask db upgrade starts the app before the table exists
    finally:
        SearchPending.__table__.create(db.engine)
