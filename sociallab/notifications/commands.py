"""`flask sociallab send-digests`: the daily e-mail digest (run it once a day, e.g. from cron)."""
import click

from sociallab.commands import cli


@cli.command("send-digests")
def send_digests_command():
    """Mail each daily-digest reader their unread notifications (safe to run twice)."""
    from sociallab.notifications.services import send_digests
    click.echo(f"{send_digests()} digest(s) sent.")
