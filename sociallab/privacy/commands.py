"""`flask sociallab export-user` and `delete-user`: the personal-data services for the administrator at the console."""
import os
import sys

import click

from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.privacy import services


def _fail(error):
    db.session.rollback()
    click.echo(str(error.message), err=True)
    sys.exit(1)


@click.command("export-user")
@click.argument("email")
@click.argument("output", type=click.Path(dir_okay=False, writable=True))
def export_user_command(email, output):
    """Write everything kept about the account EMAIL into the ZIP file OUTPUT (audited)."""
    try:
        person = services.find_person(email)
        with open(output, "wb") as archive:
            names = services.export_data(person, None, archive)
    except ServiceError as error:
        if os.path.exists(output):
            os.remove(output)
        _fail(error)
    click.echo(f"{len(names)} file(s) of data written to {output}.")


@click.command("delete-user")
@click.argument("email")
@click.option("--without-request", is_flag=True,
              help="Delete even though the person did not ask from their profile (they asked otherwise).")
@click.confirmation_option(prompt="The account will be anonymised and its files deleted. Continue?")
def delete_user_command(email, without_request):
    """Complete the deletion of the account EMAIL: anonymised, its files and personal details erased."""
    try:
        person = services.complete_deletion(services.find_person(email), None, without_request=without_request)
    except ServiceError as error:
        _fail(error)
    click.echo(f"Account {person.id} deleted.")
