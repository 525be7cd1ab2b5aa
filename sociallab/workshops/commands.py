"""`flask sociallab send-workshop-reminders`: the day-before reminder, safe to run again."""
import click
from flask import current_app

from sociallab.commands import cli


@cli.command("send-workshop-reminders")
def send_workshop_reminders_command():
    """Notify people registered for a workshop that starts within a day (each once)."""
    from sociallab.workshops.services import send_reminders
    # Notifications link to relative paths, which url_for builds inside a request context.
    with current_app.test_request_context("/"):
        sent = send_reminders()
    click.echo(f"Workshop reminders sent: {sent}")
