"""`flask sociallab rerender-posts` and `default-categories`: forum maintenance run by hand."""
import click
from flask import current_app

from sociallab.forums.services import give_default_categories, rerender_posts


@click.command("rerender-posts")
@click.option("--batch", default=500, show_default=True, help="Posts per transaction.")
def rerender_posts_command(batch):
    """Render every post's Markdown again and store the HTML where it differs (safe to run twice)."""
    checked, changed = rerender_posts(batch=batch)
    click.echo(f"{checked} post(s) checked, {changed} re-rendered.")


@click.command("default-categories")
def default_categories_command():
    """Give every open space without a forum category its general one (safe to run twice)."""
    given = give_default_categories(current_app.config["BABEL_DEFAULT_LOCALE"])
    for category in given:
        click.echo(f"  {category.space.slug}: {category.title} ({category.lang})")
    click.echo(f"{len(given)} space(s) given a general discussion category.")
