"""What a service raises when it refuses an action: a message for the person and its HTTP status.

Every domain's error derives from ServiceError, so views, socket handlers and commands turn a
refusal into a response the same way (README, "How a domain is built"):
404 where the person may not know the object exists, 403 where they can read it but may not do
this, 400 for bad input (the form comes back with the text kept), 409 for a state conflict.
"""
from flask import abort, flash
from flask_login import current_user

from sociallab.extensions import db


class ServiceError(Exception):
    """A refused action; `message` is already translated for the person who asked."""

    status = 400

    def __init__(self, message, status=None, **details):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.details = details

    @property
    def forbidden(self):
        return self.status in (403, 404)

    def as_ack(self):
        """The answer to a socket event: the browser shows the message and keeps the text."""
        return {"ok": False, "error": str(self.message), "code": self.status, **self.details}


def refuse(error, category="danger"):
    """In a view: a refusal of access becomes its status page; any other is flashed, so the view
    can show its form again or redirect. What the refused change had begun is rolled back, so
    showing the form again cannot save part of it."""
    db.session.rollback()
    if error.status in (403, 404):
        abort(error.status)
    if not error.details.get("safeguarding"):  # the form shows those passages itself
        flash(str(error.message), category)


def checked(call, *args):
    """In a view, before a form is shown: `call(*args, current_user)`, a service's check (or a read
    that checks). A refusal becomes its status page, with its reason when it is not about access;
    the change asks the same check again, so the answer does not depend on what the request holds."""
    try:
        return call(*args, current_user)
    except ServiceError as error:
        refuse(error)
        abort(error.status)
