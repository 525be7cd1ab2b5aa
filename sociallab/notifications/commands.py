"""`flask sociallab send-digests`: the daily e-mail digest (run it once a day, e.g. from cron)."""
import click

from sociallab.notifications.services import send_digests


@click.command("send-digests")
def send_digests_command():
    """Mail each daily-digest reader their unread notifications (safe to run twice)."""
    click.echo(f"{send_digests()} digest(s) sent.")
