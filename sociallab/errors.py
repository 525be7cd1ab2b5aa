"""What a service raises when it refuses an action: a message for the person and its HTTP status.

Every domain's error derives from ServiceError, so views, socket handlers and commands turn a
refusal into a response the same way (README, "How a domain is built"):
404 where the person may not know the object exists, 403 where they can read it but may not do
this, 400 for bad input (the form comes back with the text kept), 409 for a state conflict.
"""
from flask import abort, flash


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


class Invalid(ServiceError):
    status = 400


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


def refuse(error, category="danger"):
    """In a view: a refusal of access becomes its status page; any other is flashed, so the view
    can show its form again or redirect."""
    if error.status in (403, 404):
        abort(error.status)
    flash(str(error.message), category)
