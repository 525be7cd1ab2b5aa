"""The one way Sociallab sends mail: SMTP when MAIL_SERVER is set, else console and outbox."""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def site_url(path=""):
    """An address on this site, built from the configured SITE_URL and never from the request's
    Host header, which whoever sends the request chooses."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def site_url_for(endpoint, **values):
    """url_for(endpoint, **values) as an absolute link on this site, for e-mails and calendar files.

    Works with or without a request, and the same in both cases.
    """
    current_app.inject_url_defaults(endpoint, values)
    path = current_app.url_map.bind("site.invalid").build(endpoint, values)
    return site_url(path)


def outbox():
    """Messages kept in memory when no SMTP server is configured (development and tests)."""
    return current_app.extensions.setdefault("sociallab_outbox", [])


def send_mail(to, subject, text, html=None):
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")

    config = current_app.config
    if not config.get("MAIL_SERVER"):
        outbox().append(message)
        if not current_app.testing:
            print(f"--- mail to {to}: {subject}\n{text}\n---", flush=True)
        return message

    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    # Who and what stay out of the logs: an address is personal data, a subject may quote a title.
    log.info("mail sent")
    return message
