"""`flask sociallab send-workshop-reminders`: the day-before reminder, safe to run again."""
import click

from sociallab.workshops.services import send_reminders


@click.command("send-workshop-reminders")
def send_workshop_reminders_command():
    """Notify people registered for a workshop that starts within a day (each once)."""
    click.echo(f"Workshop reminders sent: {send_reminders()}")
