"""`flask sociallab reindex` and `flask sociallab check-index`."""
import click
from flask import current_app

from sociallab.commands import cli
from sociallab.extensions import db
from sociallab.search.mixin import SearchableMixin

BATCH = 500


def searchable_models():
    """Every mapped SearchableMixin subclass, whatever domain defines it."""
    models = {mapper.class_ for mapper in db.Model.registry.mappers
              if issubclass(mapper.class_, SearchableMixin)}
    return sorted(models, key=lambda model: model.__name__)


def count_rows():
    return sum(db.session.scalar(db.select(db.func.count()).select_from(model)) for model in searchable_models())


def database_documents():
    """Yield (object-or-None, document-or-None) for every row of every searchable model.

    A model may define `search_load_options()` (loader options) so that building thousands of
    documents does not issue a query per row.
    """
    for model in searchable_models():
        statement = db.select(model).order_by(*model.__mapper__.primary_key)
        options = getattr(model, "search_load_options", None)
        statement = statement.options(*(options() if options is not None else default_load_options(model)))
        for obj in db.session.scalars(statement.execution_options(yield_per=BATCH)):
            yield obj.search_document()


def default_load_options(model):
    """Batch-load a model's to-one and many-to-many relationships (a post's thread, an
    initiative's countries and themes) for models that name no loader options of their own:
    one query per batch of rows instead of one per row. One-to-many collections (a thread's
    posts) are left lazy: they can be large and documents rarely read them whole."""
    from sqlalchemy.orm import selectinload
    from sqlalchemy.orm.interfaces import MANYTOMANY, MANYTOONE
    return [selectinload(getattr(model, rel.key)) for rel in model.__mapper__.relationships
            if rel.direction in (MANYTOONE, MANYTOMANY) and not rel.viewonly]


def compare_index():
    """(missing, stale, extra): ids in the database but not the index, out of date, or orphaned."""
    from sociallab.search import get_engine
    from sociallab.search.engine import _digest
    expected = {}
    for document in database_documents():
        if document is not None:
            expected[document["id"]] = _digest(document)
    indexed = get_engine().stored_digests()
    missing = sorted(set(expected) - set(indexed))
    extra = sorted(set(indexed) - set(expected))
    stale = sorted(i for i in set(expected) & set(indexed) if expected[i] != indexed[i])
    return missing, stale, extra


def rebuild_index(procs=None, progress=None):
    """Rebuild the index from the database; returns the number of documents written."""
    from sociallab.search import get_engine
    documents = (d for d in database_documents() if d is not None)
    engine = get_engine()
    engine.clear()
    return engine.rebuild(documents, procs=procs, progress=progress)


@cli.command("reindex")
@click.option("--procs", type=int, default=None,
              help="Processes that analyse text in parallel (default: 2 where there are two cores).")
def reindex_command(procs):
    """Rebuild the search index from the database."""
    total = count_rows()
    with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
        written = rebuild_index(procs=procs, progress=bar.update)
    click.echo(f"{written} documents indexed in {current_app.config['SEARCH_INDEX_DIR']}.")


@cli.command("check-index")
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
