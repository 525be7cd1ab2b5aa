"""What of the library safeguarding checks (registered by knowledge.init_app): a resource's title,
summary and text, which can be held for the moderators, and the text extracted from its files.

A file's text is checked like any text, but neither redacted nor held. Redacting it would only
change what search reads: the passages would stay in the file people download, and nobody here
can remove them from a PDF or a document. Holding it would leave moderators nothing to do but
approve it or hide the resource, since redacting a resource later cannot reach its files either.
So an upload whose text may identify a child is refused, whatever the author chose for the
form's own text, with the passages shown and a request to send the document without them.
"""
from contextlib import contextmanager

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sociallab import safeguarding
from sociallab.knowledge import storage
from sociallab.knowledge.models import FileVersion, Resource
from sociallab.safeguarding.detector import Finding
from sociallab.safeguarding.presenting import highlighted
from sociallab.safeguarding.screening import IdentifyingDetails

# Characters shown on each side of a passage found in a file's text (which may be a whole book).
EXCERPT_CONTEXT = 80
EXCERPTS_MAX = 20


class IdentifyingFile(IdentifyingDetails):
    """Passages that may identify a child in the text of a file being uploaded: the file is refused."""


def _resource_url(resource):
    return url_for("knowledge.resource", resource_id=resource.id)


def _resource_of(version):
    return version.attachment.resource


def _uploader_id(version):
    return version.uploaded_by.id if version.uploaded_by is not None else version.uploaded_by_id


@contextmanager
def file_text_refused():
    """Inside: a file whose extracted text may identify a child is refused (IdentifyingFile), the
    author's choice for the form (redact, publish for review) not applying to it (module docstring)."""
    try:
        # A file's text can be neither redacted nor held (registered redactable=False, without the
        # Sensitive column): the flush-time check refuses it whatever the author chose.
        yield
    except IdentifyingDetails as error:
        # The file was written before its row was checked: a refused file leaves nothing behind.
        for screened in error.screened:
            if isinstance(screened.obj, FileVersion) and screened.obj.stored_name:
                storage.backend().discard(screened.obj.stored_name)
        raise IdentifyingFile(error.screened, _(
            "This file contains passages that may identify a child (highlighted below). A file cannot be "
            "redacted here and cannot wait for a moderator: remove these passages from the document, save "
            "it, then choose it again.")) from None


def file_excerpts(error):
    """The passages of a refused file, each with a little of the text around it, highlighted."""
    excerpts = []
    for screened in error.screened:
        for finding in screened.findings[:EXCERPTS_MAX]:
            start = max(0, finding.start - EXCERPT_CONTEXT)
            end = min(len(screened.text), finding.end + EXCERPT_CONTEXT)
            shifted = Finding(finding.start - start, finding.end - start, finding.kind)
            excerpts.append((start > 0, highlighted(screened.text[start:end], [shifted]), end < len(screened.text),
                             screened.language))
    return excerpts


def init_app(app):
    safeguarding.register(app, Resource, "resource", ("title", "summary", "body"), label=_l("library resource"),
                          space_id=lambda resource: resource.space_id, url=_resource_url)
    safeguarding.register(app, FileVersion, "file", ("text",), label=_l("text of an attached file"),
                          space_id=lambda version: _resource_of(version).space_id,
                          url=lambda version: _resource_url(_resource_of(version)),
                          author_id=_uploader_id, language=lambda version: _resource_of(version).lang,
                          redactable=False)
