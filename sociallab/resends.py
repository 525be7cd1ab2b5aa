"""A form sent twice writes once: the service side of http_input.SubmissionField.

A form carries the key of what it writes (`submission`, made when the form was shown). A double
click or a resend after a lost answer sends the same key again: the service then answers with
what the first sending wrote instead of writing it twice. A unique index on (author, key) is the
backstop when both sendings look before either is saved.
"""
from sqlalchemy.exc import IntegrityError

from sociallab.extensions import db


def written_once(submission, earlier, write):
    """(what `write(submission)` wrote, True), or (what this form wrote before, False).

    `earlier()` finds what the key wrote when this is the same form sent again (the same place
    and text), else None; `write(key)` writes with `key` and flushes, so a key already taken fails
    there. When another request with the same key saved first, this one's work is rolled back and
    theirs is the answer; a key that turns out to belong to something else is dropped
    (a page restored by the back button and rewritten, say) and the form is written without it.
    """
    found = earlier()
    if found is not None:
        return found, False
    try:
        return write(submission), True
    except IntegrityError:
        if not submission:
            raise
        db.session.rollback()
        found = earlier()
        return (found, False) if found is not None else (write(None), True)
