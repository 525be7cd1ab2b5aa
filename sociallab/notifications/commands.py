"""`flask sociallab send-digests` (the daily e-mail digest, now) and `flask sociallab run-scheduled`
(the scheduler of the digest and the workshop reminders, for production: see scheduler.py)."""
import contextlib

import click
from flask import current_app

from sociallab.extensions import db
from sociallab.notifications import scheduler
from sociallab.notifications.services import send_digests


@click.command("send-digests")
def send_digests_command():
    """Mail each daily-digest reader their unread notifications now (safe to run twice)."""
    click.echo(f"{send_digests()} digest(s) sent.")


@click.command("run-scheduled")
@click.option("--once", is_flag=True, help="Run what is due and exit (for cron, e.g. every 5 minutes).")
@click.option("--status", "show_status", is_flag=True, help="Show when each job last ran, and exit.")
def run_scheduled_command(once, show_status):
    """Run the scheduled jobs (daily digest, workshop reminders) as they fall due.

    Without --once it keeps running, checking every minute: start it once beside the web
    processes (systemd, a container). Several may run: each job runs in one at a time, once per
    due time.
    """
    app = current_app._get_current_object()
    if show_status:
        for job, started, finished, result in scheduler.status():
            click.echo(f"{job.describe():45} last started {started or 'never'}, "
                       f"finished {finished or '-'}, result {result or '-'}")
        return
    if once:
        ran = scheduler.run_due()
        for name, result in ran.items():
            click.echo(f"{name}: {result} sent.")
        if not ran:
            click.echo("Nothing due.")
        return
    click.echo(f"Scheduler running ({scheduler.describe()}; lock: {scheduler.lock_kind()}). Stop with Ctrl+C.")
    db.session.remove()
    with contextlib.suppress(KeyboardInterrupt):
        scheduler.run_forever(app, {"running": True}, echo=click.echo)
