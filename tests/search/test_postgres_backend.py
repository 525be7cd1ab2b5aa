"""Search kept in PostgreSQL (SEARCH_BACKEND=postgres): what the other backend's tests cannot show.

Every server shares it at once; it answers as Whoosh does; a move between backends is one reindex;
the migration brings the language configurations; the permission filter is an indexed condition;
and a server refuses the setting on a database that cannot hold it. Every other test of
tests/search runs on both backends (conftest.py).
"""
import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

import config
from sociallab import create_app, search
from sociallab.extensions import db
from sociallab.knowledge.models import Resource
from sociallab.permissions import audience_tokens_for_user
from sociallab.search.commands import database_documents
from sociallab.search.engine import SearchEngine
from sociallab.search.postgres import PostgresSearchEngine
from tests.conftest import make_app, skip_or_fail
from tests.factories import resource
from tests.search.conftest import on_postgresql


@pytest.fixture
def search_backend():
    """This module's tests run on the PostgreSQL backend only."""
    if not on_postgresql():
        skip_or_fail("the PostgreSQL search backend is tested when TEST_DATABASE_URL names a PostgreSQL database")
    return "postgres"


def _config(**settings):
    return type("Config", (config.TestConfig,), settings)


def test_the_postgres_backend_on_sqlite_refuses_to_start_and_says_what_to_set(tmp_path):
    with pytest.raises(RuntimeError, match="SEARCH_BACKEND=postgres") as refused:
        create_app(_config(SQLALCHEMY_DATABASE_URI="sqlite://", SEARCH_BACKEND="postgres",
                           SEARCH_INDEX_DIR=str(tmp_path / "index")))
    assert "DATABASE_URL" in str(refused.value) and "SEARCH_BACKEND=whoosh" in str(refused.value)


def test_an_unknown_backend_is_refused_at_startup(tmp_path):
    with pytest.raises(RuntimeError, match="SEARCH_BACKEND must be one of whoosh, postgres"):
        create_app(_config(SEARCH_BACKEND="elastic", SEARCH_INDEX_DIR=str(tmp_path / "index")))


def test_the_app_searches_in_the_database(app):
    assert isinstance(search.get_engine(), PostgresSearchEngine)


def test_another_server_finds_a_change_at_once_and_loses_a_deleted_item_at_once(app, world, tmp_path):
    """Two application processes on one database (here two apps): nothing to copy or refresh."""
    other = make_app(tmp_path / "other", SEARCH_BACKEND="postgres")
    item = resource(world.sn_space, world.member, "Fiche", body="Le registre des tamariniers.")
    tokens = audience_tokens_for_user(world.member)
    with other.app_context():
        assert [h.id for h in search.get_engine().search(tokens, "tamarinier").hits] == [f"resource:{item.id}"]
    db.session.delete(item)
    db.session.commit()
    with other.app_context():
        assert search.get_engine().search(tokens, "tamarinier").total == 0
        db.engine.dispose()


def test_a_change_and_its_search_rows_commit_or_fail_together(app, world, find, monkeypatch):
    """The rows are written in the change's transaction: when they cannot be, the change is not saved,
    and search and data never disagree (check-index finds nothing to report)."""
    def unwritable(*args, **kwargs):
        raise OSError("search rows could not be written")
    monkeypatch.setattr(search.get_engine(), "apply", unwritable)
    with pytest.raises(OSError):
        resource(world.sn_space, world.member, "Fiche", body="baobab")
    db.session.rollback()
    monkeypatch.undo()
    assert db.session.scalar(db.select(db.func.count()).select_from(Resource)) == 0
    report = app.test_cli_runner().invoke(args=["sociallab", "check-index"])
    assert report.exit_code == 0 and "matches" in report.output
    resource(world.sn_space, world.member, "Fiche", body="baobab")
    assert find(world.member, "baobab").total == 1


def test_moving_from_whoosh_to_postgres_and_back_is_one_reindex(app, world, find, tmp_path):
    whoosh = SearchEngine(str(tmp_path / "index"))
    postgres = app.extensions["sociallab_search"] = search.get_engine()
    # Written while the site still ran on Whoosh.
    app.config["SEARCH_BACKEND"], app.extensions["sociallab_search"] = "whoosh", whoosh
    resource(world.sn_space, world.member, "Fiche", body="Le registre des baobabs.")
    assert find(world.member, "baobab").total == 1
    # SEARCH_BACKEND=postgres: the tables do not know it yet; check-index says so, reindex fills them.
    app.config["SEARCH_BACKEND"], app.extensions["sociallab_search"] = "postgres", postgres
    runner = app.test_cli_runner()
    assert find(world.member, "baobab").total == 0
    assert runner.invoke(args=["sociallab", "check-index"]).exit_code == 1
    rebuilt = runner.invoke(args=["sociallab", "reindex"])
    assert rebuilt.exit_code == 0 and "1 documents indexed in the database" in rebuilt.output
    assert find(world.member, "baobab").total == 1
    assert runner.invoke(args=["sociallab", "check-index"]).exit_code == 0
    # And back: written on PostgreSQL, then SEARCH_BACKEND=whoosh and reindex.
    resource(world.sn_space, world.member, "Autre fiche", body="Le registre du kapokier.")
    app.config["SEARCH_BACKEND"], app.extensions["sociallab_search"] = "whoosh", whoosh
    assert find(world.member, "kapokier").total == 0
    assert runner.invoke(args=["sociallab", "reindex"]).exit_code == 0
    assert find(world.member, "kapokier").total == 1 and find(world.member, "baobab").total == 1
    whoosh.close()


def test_a_reindex_that_fails_half_way_leaves_search_as_it_was(app, world, find, monkeypatch):
    for n in range(3):
        resource(world.sn_space, world.member, f"Fiche {n}", body="Le registre des baobabs.")
    engine = search.get_engine()
    monkeypatch.setattr("sociallab.search.postgres.BATCH", 1)
    written = []
    real_write = engine._write

    def write_then_fail(connection, rows, known_words=None):
        if written:
            raise OSError("the database went away")
        written.append(rows)
        real_write(connection, rows, known_words)
    monkeypatch.setattr(engine, "_write", write_then_fail)
    rebuilt = app.test_cli_runner().invoke(args=["sociallab", "reindex"])
    assert rebuilt.exit_code != 0 and isinstance(rebuilt.exception, OSError)
    monkeypatch.undo()
    assert find(world.member, "baobab").total == 3
    assert app.test_cli_runner().invoke(args=["sociallab", "check-index"]).exit_code == 0


QUERIES = ["enfants", "enquete", "ECOUTE", "niña", "hearing", '"audition filmée"', "audition -police",
           "audition -enquete", "audition filmée", "police", "enquetr", "audiencias", "protocole",
           "gendarmerei", "registre", "zorblatte", "tribunal", "tribunal -salle", "children", "salle", "registr",
           "tribnual"]


def test_both_backends_give_the_same_answers(app, world, tmp_path):
    """The same items, indexed by each backend: the same results, counts, facets and suggestions.
    (Each backend ranks in its own way: the order of results, and which of a thread's posts stands
    for it, may differ.)"""
    sn, member = world.sn_space, world.member
    resource(sn, member, "Audition filmée de l'enfant victime",
             body="Une enquête menée avec la police sur l'audition filmée des enfants.", lang="fr",
             countries=["sn"], themes=["participation"])
    resource(sn, member, "Protocole d'écoute", body="Audition de l'enfant sans police, filmée à part.", lang="fr")
    resource(world.international, member, "Guía para niñas y niños", body="Las niñas participan en las audiencias.",
             lang="es")
    resource(world.international, member, "Child-friendly hearings", body="Hearings adapted to children.", lang="en")
    resource(world.pe_space, world.other_member, "Registre péruvien", body="La gendarmerie et le registre.")
    resource(sn, member, "Registre", body="Le registre de la gendarmerie.", lang="fr")
    from sociallab.forums import moderation
    from sociallab.forums import services as forums
    category = forums.create_category(sn, "Général", "", "fr", world.moderator)
    thread, _published = forums.create_thread(category, "Salle d'attente", "Une salle pour les enfants au tribunal.",
                                              member, "fr")
    forums.reply(thread, world.member2, "Au tribunal, the hearing room for children is ready.", "en")
    hidden = forums.reply(thread, world.member2, "Le registre du tribunal et la gendarmerie.", "fr").post
    db.session.commit()
    moderation.set_hidden(hidden, world.moderator, hidden=True)
    db.session.commit()
    whoosh = SearchEngine(str(tmp_path / "whoosh"))
    whoosh.rebuild(d for d in database_documents() if d is not None)
    postgres = search.get_engine()
    for person in (world.member, world.member2, world.other_member, world.moderator):
        tokens = audience_tokens_for_user(person)
        for query in QUERIES:
            expected, answered = whoosh.search(tokens, query), postgres.search(tokens, query)
            assert (answered.total, sorted(h.group for h in answered.hits), answered.facets, answered.suggestion) == \
                (expected.total, sorted(h.group for h in expected.hits), expected.facets, expected.suggestion), \
                (person.email, query)
    whoosh.close()


def test_the_permission_filter_is_an_indexed_condition(app, world):
    """`audience && tokens` is looked up in its GIN index (here with a query whose words the text
    index cannot narrow: only the audience index can)."""
    resource(world.sn_space, world.member, "Fiche", body="registre")
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "FROM search_entry e, r WHERE" in statement:
            statements.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        search.get_engine().search(audience_tokens_for_user(world.member), "-police")
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert len(statements) == 1
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET enable_seqscan = off")  # the table is tiny: without this, reading it whole is cheaper
        cursor.execute("EXPLAIN " + statements[0][0], statements[0][1])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    finally:
        raw.rollback()
        raw.close()
    assert "ix_search_entry_audience" in plan, plan


def _scratch_database():
    suite = make_url(config.TestConfig.SQLALCHEMY_DATABASE_URI)
    assert "test" in suite.database
    return suite, suite.set(database=f"{suite.database}_search_migration")


def test_the_migration_brings_the_language_configurations_and_takes_them_away(search_backend):
    suite, scratch = _scratch_database()
    admin = create_engine(suite, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    try:
        app = create_app(_config(SQLALCHEMY_DATABASE_URI=scratch.render_as_string(hide_password=False),
                                 SEARCH_BACKEND="postgres"))
        runner = app.test_cli_runner()
        with app.app_context():
            upgraded = runner.invoke(args=["db", "upgrade"])
            assert upgraded.exit_code == 0, upgraded.output
            readings = db.session.execute(text(
                "SELECT to_tsvector('sociallab_fr', 'Des enquêtes filmées')::text, "
                "to_tsvector('sociallab_es', 'Las niñas')::text, to_tsvector('sociallab_en', 'Hearings')::text, "
                "similarity('kiwano', 'kiwnao') > 0")).one()
            assert readings == ("'enquet':2 'filme':3", "'nin':2", "'hear':1", True)
            db.session.rollback()
            downgraded = runner.invoke(args=["db", "downgrade", "base"])
            assert downgraded.exit_code == 0, downgraded.output
            assert db.session.scalar(text("SELECT count(*) FROM pg_ts_config WHERE cfgname LIKE 'sociallab_%'")) == 0
            db.session.rollback()
            db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        admin.dispose()
