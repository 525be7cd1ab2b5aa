"""`flask sociallab move-files`: uploaded files copied from one storage backend to the other
(added to the group by knowledge.init_app; the copying itself is storage.move_files)."""
import sys

import click

from sociallab.knowledge import storage

OTHER = {"postgres": "filesystem", "filesystem": "postgres"}


@click.command("move-files")
@click.option("--to", "to", type=click.Choice(storage.BACKENDS), required=True,
              help="The backend to copy into; the files are read from the other one.")
def move_files_command(to):
    """Copy every uploaded file into the backend TO (postgres: the database every server shares;
    filesystem: UPLOAD_DIR on this server), checking each copy's size and SHA-256. The files stay
    where they were and STORAGE_BACKEND is not changed: set it on every server afterwards, then
    run this again to copy what was uploaded meanwhile (safe to run again, it copies only what
    is not there yet)."""
    source, target = storage.backend(choice=OTHER[to]), storage.backend(choice=to)

    def report(outcome, name):
        if outcome in ("missing", "failed"):
            click.echo(f"{outcome}: {name}", err=True)

    counts = storage.move_files(source, target, report=report)
    click.echo(f"From {OTHER[to]} to {to}: {counts['copied']} copied, {counts['already there']} already there, "
               f"{counts['missing']} missing from both, {counts['failed']} failed.")
    if counts["failed"]:
        click.echo("Some copies did not read back as their original: run the command again.", err=True)
        sys.exit(1)
    click.echo(f"Nothing was switched: STORAGE_BACKEND={to} on every server makes them use these copies.")
