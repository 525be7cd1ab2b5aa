"""`flask sociallab rerender-posts`: rebuild stored post HTML after the sanitiser rules change."""
import click

from sociallab.forums.services import rerender_posts


@click.command("rerender-posts")
@click.option("--batch", default=500, show_default=True, help="Posts per transaction.")
def rerender_posts_command(batch):
    """Render every post's Markdown again and store the HTML where it differs (safe to run twice)."""
    checked, changed = rerender_posts(batch=batch)
    click.echo(f"{checked} post(s) checked, {changed} re-rendered.")
