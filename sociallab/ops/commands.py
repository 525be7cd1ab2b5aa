"""`flask sociallab init`: a new platform's structure and first administrator, from the command line."""
import sys
from collections import Counter

import click
from flask import current_app
from flask_babel import force_locale

from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.ops import services

ADDED = {"Region": "regions", "Country": "countries", "Space": "spaces", "Theme": "themes",
         "Category": "forum categories"}


def _fail(error):
    db.session.rollback()
    click.echo(str(error.message), err=True)
    sys.exit(1)


@click.command("init")
@click.option("--email", prompt="Administrator's e-mail address", help="The first administrator's address.")
@click.option("--name", help="Their name (asked when the account is to be created).")
@click.option("--password", envvar="SOCIALLAB_ADMIN_PASSWORD", show_envvar=True,
              help="Their password; better from the environment than on a command line others can see. "
                   "Asked twice, hidden, when not given.")
@click.option("--language", type=click.Choice(services.LANGUAGES), default="fr", show_default=True)
@click.option("--timezone", default="UTC", show_default=True, help="e.g. America/Montreal")
def init_command(email, name, password, language, timezone):
    """Create the Lab's regions, countries, spaces and core themes, and the first administrator
    (no demo data). Safe to run again: what exists is left as it is, an existing account too."""
    added = services.set_up_structure(current_app.config["BABEL_DEFAULT_LOCALE"])
    if added:
        counts = Counter(type(row).__name__ for row in added)
        click.echo("Structure created: " + ", ".join(f"{counts[kind]} {label}" for kind, label in ADDED.items()
                                                     if counts[kind]) + ".")
    else:
        click.echo("Structure: already complete, nothing changed.")
    existing = services.existing_account(email)
    if existing is not None:
        role = "" if existing.is_admin else " (not an administrator: an administrator can make it one)"
        click.echo(f"Administrator: {existing.email} already has an account{role}; left unchanged.")
        return
    if name is None:
        name = click.prompt("Administrator's name")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with force_locale("en"):  # the console speaks English, as every command does
            user = services.create_first_admin(email, name, password, language=language, timezone=timezone)
    except ServiceError as error:
        _fail(error)
    click.echo(f"Administrator created: {user.email}. Sign in at {current_app.config['SITE_URL']}/login "
               f"and invite the partners from the administration pages.")
