"""`flask sociallab reindex` and `flask sociallab check-index` (added to the group by search.init_app)."""
import click
from flask import current_app
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import MANYTOMANY, MANYTOONE

from sociallab.extensions import db
from sociallab.search.documents import document_types
from sociallab.search.engine import digest
from sociallab.search.indexing import get_engine

BATCH = 500


def count_rows():
    return sum(db.session.scalar(db.select(db.func.count()).select_from(kind.model)) for kind in document_types())


def database_documents():
    """Yield the document (or None) of every row of every model this app searches.

    A registration may name `load_options` (loader options) so that building thousands of
    documents does not issue a query per row.
    """
    for kind in document_types():
        model = kind.model
        statement = db.select(model).order_by(*model.__mapper__.primary_key)
        options = kind.load_options() if kind.load_options is not None else default_load_options(model)
        for obj in db.session.scalars(statement.options(*options).execution_options(yield_per=BATCH)):
            yield kind.build(obj)


def default_load_options(model):
    """Batch-load a model's to-one and many-to-many relationships (a post's thread, an
    initiative's countries and themes) for models that name no loader options of their own:
    one query per batch of rows instead of one per row. One-to-many collections (a thread's
    posts) are left lazy: they can be large and documents rarely read them whole."""
    return [selectinload(getattr(model, rel.key)) for rel in model.__mapper__.relationships
            if rel.direction in (MANYTOONE, MANYTOMANY) and not rel.viewonly]


def compare_index():
    """(missing, stale, extra): ids in the database but not the index, out of date, or orphaned."""
    expected = {}
    for document in database_documents():
        if document is not None:
            expected[document["id"]] = digest(document)
    indexed = get_engine().stored_digests()
    missing = sorted(set(expected) - set(indexed))
    extra = sorted(set(indexed) - set(expected))
    stale = sorted(i for i in set(expected) & set(indexed) if expected[i] != indexed[i])
    return missing, stale, extra


def rebuild_index(procs=None, progress=None):
    """Rebuild the index from the database; returns the number of documents written."""
    documents = (d for d in database_documents() if d is not None)
    engine = get_engine()
    if not getattr(engine, "writes_in_transaction", False):
        # Whoosh starts from an empty index; PostgreSQL replaces every row in one transaction,
        # and searches see the old rows until it commits.
        engine.clear()
    return engine.rebuild(documents, procs=procs, progress=progress)


@click.command("reindex")
@click.option("--procs", type=int, default=None,
              help="Processes that analyse text in parallel (default: 2 where there are two cores; Whoosh only).")
def reindex_command(procs):
    """Rebuild the search index from the database (Whoosh's files or PostgreSQL's tables: SEARCH_BACKEND)."""
    total = count_rows()
    with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
        written = rebuild_index(procs=procs, progress=bar.update)
    if current_app.config.get("SEARCH_BACKEND") == "postgres":
        click.echo(f"{written} documents indexed in the database (SEARCH_BACKEND=postgres).")
    else:
        click.echo(f"{written} documents indexed in {current_app.config['SEARCH_INDEX_DIR']}.")


@click.command("check-index")
def check_index_command():
    """Compare the search index with the database and list what differs."""
    missing, stale, extra = compare_index()
    for label, ids in (("missing from the index", missing), ("out of date in the index", stale),
                       ("in the index but not in the database", extra)):
        if ids:
            click.echo(f"{len(ids)} {label}:")
            for doc_id in ids[:50]:
                click.echo(f"  {doc_id}")
            if len(ids) > 50:
                click.echo(f"  … and {len(ids) - 50} more")
    if missing or stale or extra:
        click.echo("Run `flask --app wsgi sociallab reindex` to rebuild the index.")
        raise SystemExit(1)
    click.echo("The search index matches the database.")
