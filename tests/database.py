"""Each test's database, copied from what this process built once instead of rebuilt every time.

On SQLite in memory the empty schema is built once and copied into each test's database with
SQLite's backup API (about 1 ms, where create_all takes about 100 ms). On PostgreSQL the schema is
built once per run and emptied for each test. The seeded world (the Lab's structure and one person
per role) is made once through the real services; later tests get its rows copied back and the
same objects loaded, about 10 ms instead of 200 to 400 ms of seeding and password hashing.
"""
import sqlite3
from types import SimpleNamespace

from sqlalchemy import inspect, select, text

from config import is_test_database
from sociallab.extensions import db

_SCHEMA_READY = set()  # PostgreSQL URLs whose schema this process has built
_EMPTY_SQLITE = {}  # "schema" -> an in-memory SQLite copy of the empty schema
_WORLDS = {}  # dialect name -> the seeded world's rows and how to find its objects again


def _in_memory_sqlite(engine):
    return engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")


def reset_database(app):
    """Fresh content for every test: the empty schema. Only ever on a database named for tests."""
    engine = db.engine
    if not is_test_database(engine.url.render_as_string(hide_password=True)):
        raise RuntimeError(f"refusing to empty {engine.url.database!r}: not a database named for tests")
    if _in_memory_sqlite(engine):
        _copy_empty_sqlite(engine)
        return
    if engine.dialect.name == "sqlite":
        db.create_all()
        return
    if engine.url not in _SCHEMA_READY:
        db.drop_all()
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        _SCHEMA_READY.add(engine.url)
    # DELETE on small tables costs ~40 ms for the whole schema; TRUNCATE rewrites every table
    # (about 1 s per test here).
    with engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(text(f'DELETE FROM "{table.name}"'))
        for sequence in _sequences(connection):
            connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


def _copy_empty_sqlite(engine):
    raw = engine.raw_connection()
    try:
        template = _EMPTY_SQLITE.get("schema")
        if template is None:
            db.create_all()
            template = sqlite3.connect(":memory:", check_same_thread=False)
            raw.driver_connection.backup(template)
            _EMPTY_SQLITE["schema"] = template
        else:
            template.backup(raw.driver_connection)
    finally:
        raw.close()


def _sequences(connection):
    return list(connection.execute(text(
        "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'")).scalars())


def seeded_world(build):
    """The world `build()` makes (and commits) on a just-reset database, made once per process.

    Later calls insert the rows it wrote and load its objects again: the same ids, the same
    sequences, the objects expired as after build's own commit. A session already holding
    objects (a fixture that wrote before the world) gets the world built for real.
    """
    dialect = db.engine.dialect.name
    saved = _WORLDS.get(dialect)
    if saved is None or db.session.identity_map or db.session.new:
        world = build()
        if dialect not in _WORLDS:
            _WORLDS[dialect] = _save(world)
        return world
    restore(saved)
    world = _load(saved.recipe)
    db.session.commit()  # ends the reading transaction and expires the objects, as build's commit did
    return world


def _insert(connection, tables_rows):
    """Insert the rows table by table; a reference to a row not inserted yet (the cycle between
    people and organisations, a row of the same table) is set once every row is in."""
    inserted, later = set(), []
    for table, rows in tables_rows:
        pending = {fk.parent.name for fk in table.foreign_keys if fk.column.table not in inserted}
        if pending:
            later.append((table, pending, rows))
            rows = [{**row, **dict.fromkeys(pending)} for row in rows]
        connection.execute(table.insert(), rows)
        inserted.add(table)
    for table, pending, rows in later:
        key = [column.name for column in table.primary_key]
        for row in rows:
            values = {name: row[name] for name in pending if row[name] is not None}
            if values:
                connection.execute(table.update().where(*(table.c[k] == row[k] for k in key)).values(values))


def snapshot():
    """Every row of the database and where its sequences stand, to restore() on a reset database."""
    with db.engine.connect() as connection:
        rows = [(table, [dict(row) for row in connection.execute(select(table)).mappings()])
                for table in db.metadata.sorted_tables]
        sequences = {}
        if connection.dialect.name == "postgresql":
            for sequence in _sequences(connection):
                sequences[sequence] = tuple(connection.execute(
                    text(f'SELECT last_value, is_called FROM "{sequence}"')).one())
    return SimpleNamespace(rows=[(table, table_rows) for table, table_rows in rows if table_rows],
                           sequences=sequences)


def restore(saved):
    """Put a snapshot's rows back into a just-reset database, sequences included."""
    with db.engine.begin() as connection:
        _insert(connection, saved.rows)
        for sequence, (last_value, is_called) in saved.sequences.items():
            connection.execute(text("SELECT setval(:name, :value, :called)"),
                               {"name": sequence, "value": last_value, "called": is_called})


def _save(world):
    saved = snapshot()
    saved.recipe = _recipe(vars(world))
    return saved


def _recipe(value):
    """How to find `value` again: rows by class and primary key, containers rebuilt around them."""
    if isinstance(value, db.Model):
        return ("row", (type(value), inspect(value).identity))
    if isinstance(value, dict):
        return ("dict", {key: _recipe(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_recipe(item) for item in value])
    return ("value", value)


def _load(recipe):
    """The objects of the recipe, loaded with one query per model."""
    wanted = {}

    def collect(part):
        kind, content = part
        if kind == "row":
            wanted.setdefault(content[0], set()).add(content[1])
        elif kind == "dict":
            for item in content.values():
                collect(item)
        elif kind in ("list", "tuple"):
            for item in content:
                collect(item)
    collect(recipe)
    loaded = {}
    for model, identities in wanted.items():
        key = model.__mapper__.primary_key
        if len(key) != 1:  # no composite key in the world today; loaded one by one if one comes
            loaded.update({(model, i): db.session.get(model, i) for i in identities})
            continue
        for row in db.session.scalars(select(model).where(key[0].in_([i[0] for i in identities]))):
            loaded[(model, inspect(row).identity)] = row

    def rebuild(part):
        kind, content = part
        if kind == "row":
            return loaded[content]
        if kind == "dict":
            return {key: rebuild(item) for key, item in content.items()}
        if kind in ("list", "tuple"):
            return {"list": list, "tuple": tuple}[kind](rebuild(item) for item in content)
        return content
    return SimpleNamespace(**rebuild(recipe))
