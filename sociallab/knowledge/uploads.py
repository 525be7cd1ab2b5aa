"""Checking, storing and serving attached files: size, extension and magic bytes, random names;
for an image, whether it shows people and that their consent was confirmed; everything that
parses a file's content (images re-encoded without their metadata, ZIP containers checked, text
extracted for search) done in a separate, confined process."""
import io
import unicodedata

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.utils import secure_filename

from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.knowledge import fileworker, storage
from sociallab.knowledge.checks import check_edit
from sociallab.knowledge.fileworker import EXTRACT_MAX_CHARS, FORMATS, MAX_IMAGE_PIXELS
from sociallab.knowledge.models import Attachment, FileVersion

# Wall-clock deadlines (the worker is killed at them; its CPU limit is the same) and address
# spaces. A PDF's text found before its deadline is kept, so 5 s (the deadline the text had
# before it moved to a worker) costs a long PDF only the end of its text. Images get more: a
# 16-megapixel PNG of noise took 8 s of CPU to re-encode on a busy 2-core test machine, and a
# 24-megapixel JPEG 230 MB of address space.
TEXT_SECONDS = 5.0
TEXT_MEMORY_BYTES = 512 * 1024 * 1024
IMAGE_SECONDS = 20.0
IMAGE_MEMORY_BYTES = 768 * 1024 * 1024
# UTF-8 takes at most 4 bytes a character; the worker adds one line end per page or paragraph.
TEXT_OUTPUT_BYTES = 4 * EXTRACT_MAX_CHARS + 4096
_CONTROL_CHARACTERS = dict.fromkeys([*range(32), 127], " ")


class UploadError(ServiceError):
    """A refused file; the message is translated and says what to do."""


class FileTooLarge(UploadError):
    status = 413


def clean_filename(name, kind):
    """A safe display name: no directories, no control characters, the right extension."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    base, _dot, _ext = name.rpartition(".")
    safe = secure_filename(base or name) or "file"
    extension = "jpg" if kind == "jpeg" else kind
    return f"{safe[:150]}.{extension}"


def _extension(name):
    name = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rpartition(".")[2].lower() if "." in name else ""


def _looks_like(kind, data):
    """Does the content start as what the extension claims? (The worker reads the rest.)"""
    if kind == "pdf":
        return data[:1024].lstrip().startswith(b"%PDF-")
    if kind == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return data.startswith(b"\xff\xd8\xff")
    return data.startswith(b"PK\x03\x04")


def _not_this_kind(kind):
    return UploadError(_("This file is not a real %(kind)s file: its content does not match its "
                         "name. Save it again in that format and retry.", kind=kind.upper()))


def check_upload(filename, data):
    """(kind, mimetype) of a file whose size, name and first bytes are acceptable; UploadError
    otherwise. Its content is read by open_file."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if not data:
        raise UploadError(_("The file is empty."))
    if len(data) > limit:
        raise FileTooLarge(_("The file is larger than %(size)s MB.", size=limit // (1024 * 1024)))
    extension = _extension(filename)
    if extension not in FORMATS:
        raise UploadError(_("This type of file is not accepted. Accepted: PDF, DOCX, XLSX, PPTX, ODT, "
                            "ODS, PNG, JPEG."))
    kind, mimetype = FORMATS[extension]
    if not _looks_like(kind, data):
        raise _not_this_kind(extension)
    return kind, mimetype


def check_people(kind, shows_people, consent):
    """An image needs an answer to "does it show people?" and, when it does, the uploader's
    confirmation that they agreed (for a child: the child's assent and a parent's or guardian's
    consent); UploadError otherwise. Other files need neither. `kind` is check_upload's, read
    from the file's first bytes as well as its name."""
    if kind not in fileworker.IMAGES:
        return
    if shows_people is None:
        raise UploadError(_("Say whether this image shows people, then choose the file again (it is not "
                            "kept when a form is refused)."))
    if shows_people and not consent:
        raise UploadError(_("This image shows people: tick the box confirming that they agreed to it being "
                            "shared (for a child, the child's assent and a parent's or guardian's consent), "
                            "then choose the file again (it is not kept when a form is refused). Without "
                            "that consent, do not share the image."))


def open_file(kind, data):
    """(the bytes to store, the text to search them by) for a file that passed check_upload.

    Images come back re-encoded without their metadata, or are refused; a ZIP container is
    refused when it is not what its name says or would unpack to an absurd size; a PDF's and a
    DOCX's text is what the worker found before it finished or was stopped (maybe nothing).
    """
    if kind in fileworker.IMAGES:
        status, answer = fileworker.run(kind, data, IMAGE_SECONDS, IMAGE_MEMORY_BYTES,
                                        2 * current_app.config["UPLOAD_MAX_BYTES"])
        if status == fileworker.OK and answer:
            return answer, ""
        if status == fileworker.TOO_MANY_PIXELS:
            raise UploadError(ngettext("This image is too large: at most %(num)d megapixel (for example "
                                       "1000 × 1000 pixels). Reduce its size and retry.",
                                       "This image is too large: at most %(num)d megapixels (for example "
                                       "6000 × 4000 pixels). Reduce its size and retry.",
                                       MAX_IMAGE_PIXELS // 1_000_000))
        if status == fileworker.UNREADABLE:
            raise UploadError(_("This image could not be read. Save it again as PNG or JPEG and retry."))
        raise _stopped()
    status, answer = fileworker.run(kind, data, TEXT_SECONDS, TEXT_MEMORY_BYTES, TEXT_OUTPUT_BYTES)
    if kind in fileworker.CONTAINERS:
        if status == fileworker.NOT_THIS_KIND:
            raise _not_this_kind(kind)
        if status == fileworker.EXPANDS_TOO_MUCH:
            raise UploadError(_("This file is refused: once opened, it would unpack to far more than "
                                "any real document of its size. Open it in your office software, save "
                                "it again under a new name and retry."))
        if status != fileworker.OK:
            # Unchecked, a container might be a bomb for whoever downloads it: refuse, kindly.
            raise _stopped()
    return data, _clean_text(answer)


def _stopped():
    return UploadError(_("This file could not be processed. Try again in a few minutes, or send a "
                         "smaller file."))


def _clean_text(raw):
    # PostgreSQL refuses NUL in text, and no control character helps a search.
    text = raw.decode("utf-8", "ignore").translate(_CONTROL_CHARACTERS)
    return " ".join(text.split())[:EXTRACT_MAX_CHARS]


def add_file(resource, filename, data, uploader, attachment=None, *, shows_people=None, consent=False):
    """Check and store a file as a new attachment of `resource`, or as a new version of
    `attachment` (older versions stay listed): its author and the space's moderators (a
    KnowledgeError otherwise, before the file is opened). An image needs `shows_people` (True or
    False) and, when True, `consent` (check_people). Committed; returns the FileVersion."""
    check_edit(resource, uploader)
    version = store_file(resource, filename, data, uploader, attachment=attachment, shows_people=shows_people,
                         consent=consent)
    db.session.commit()
    return version


def store_file(resource, filename, data, uploader, attachment=None, *, shows_people=None, consent=False):
    """add_file's work without its check and commit, for a service that adds the resource in the
    same unit of work (knowledge.services.create_resource). Flushed; returns the FileVersion."""
    if attachment is not None and attachment.resource_id != resource.id:
        raise ValueError("the attachment belongs to another resource")
    kind, mimetype = check_upload(filename, data)
    check_people(kind, shows_people, consent)
    data, text = open_file(kind, data)
    if attachment is None:
        attachment = Attachment(resource=resource)
        db.session.add(attachment)
        number = 1
    else:
        number = (attachment.current.number if attachment.current else 0) + 1
    # Streamed to the storage STORAGE_BACKEND names (storage.py); in the database, part of this unit of work.
    stored_name, size = storage.backend().save(io.BytesIO(data))
    version = FileVersion(attachment=attachment, number=number, filename=clean_filename(filename, kind),
                          stored_name=stored_name, kind=kind, mimetype=mimetype, size=size,
                          text=text, uploaded_by=uploader)
    if kind in fileworker.IMAGES:
        version.shows_people = bool(shows_people)
        if shows_people:
            version.consent_confirmed_by, version.consent_confirmed_at = uploader, utcnow()
    db.session.add(version)
    db.session.flush()
    # The resource's search document includes its files' text; a new version changes it.
    resource.updated_at = version.created_at
    return version
