"""`flask sociallab backup` and `flask sociallab restore` (added to the group by backup.init_app)."""
import sys

import click

from sociallab.backup import services
from sociallab.search.commands import rebuild_index


def _fail(error):
    click.echo(f"Error: {error}", err=True)
    sys.exit(1)


@click.command("backup")
@click.argument("destination", default=".", type=click.Path(file_okay=True, dir_okay=True, writable=True))
def backup_command(destination):
    """Write the database and uploaded files into one archive at DESTINATION (a .tar file, or a
    directory for a dated name inside it; default: here). Safe while the server runs."""
    try:
        path, manifest = services.create_backup(destination, echo=click.echo)
    except services.BackupError as error:
        _fail(error)
    problems = manifest["storage"]["problems"]
    for problem in problems:
        click.echo(f"Warning: {problem}", err=True)
    click.echo(f"Backup written to {path} (migration {manifest['migration_revision']}).")
    if problems:
        sys.exit(1)


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--force", is_flag=True, help="Replace the content of a database that is not empty.")
def restore_command(archive, force):
    """Restore the platform from ARCHIVE onto this install (an empty database unless --force),
    migrate it to this version's schema, then rebuild the search index from it."""
    try:
        services.restore_backup(archive, force=force, echo=click.echo)
    except services.BackupError as error:
        _fail(error)
    written = rebuild_index()
    click.echo(f"Search index rebuilt: {written} documents.")
    click.echo("Restored. Start the server; `flask sociallab check-index` compares the index with the database.")
