"""Checking, storing and serving attached files: size, extension and magic bytes, random names,
images re-encoded without their metadata, bounded text extraction for search."""
import io
import os
import secrets
import threading
import unicodedata
import zipfile

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from sociallab.extensions import db
from sociallab.knowledge.models import Attachment, FileVersion

# extension → (kind, MIME type). Office formats are ZIP containers; see _looks_like.
FORMATS = {
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": ("odt", "application/vnd.oasis.opendocument.text"),
    "ods": ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
}
OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
MAX_IMAGE_PIXELS = 40_000_000
EXTRACT_MAX_CHARS = 100_000
EXTRACT_MAX_PAGES = 200
EXTRACT_TIMEOUT_S = 5.0


class UploadError(Exception):
    """A refused file; the message is translated and says what to do."""
    status = 400


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
    """Does the content match what the extension claims?"""
    if kind == "pdf":
        return data[:1024].lstrip().startswith(b"%PDF-")
    if kind == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return data.startswith(b"\xff\xd8\xff")
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if kind in OOXML_PART:
                return "[Content_Types].xml" in names and any(n.startswith(OOXML_PART[kind]) for n in names)
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
            return mimetype == FORMATS[kind][1]
    except (zipfile.BadZipFile, KeyError, ValueError):
        return False


def check_upload(filename, data):
    """(kind, mimetype) of an acceptable file; UploadError otherwise."""
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
        raise UploadError(_("This file is not a real %(kind)s file: its content does not match its "
                            "name. Save it again in that format and retry.", kind=extension.upper()))
    return kind, mimetype


def strip_image(kind, data):
    """Re-encode an image so nothing but its pixels survives (no EXIF, GPS, comments)."""
    from PIL import Image, ImageOps, UnidentifiedImageError
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Keep the way the photo was taken upright before the orientation tag goes.
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "jpeg":
                image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
            else:
                if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    image = image.convert("RGBA")
                image.save(out, "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as error:
        raise UploadError(_("This image could not be read. Save it again as PNG or JPEG and retry.")) from error
    return out.getvalue()


def _extract(kind, data):
    if kind == "pdf":
        from pypdf import PdfReader
        reader = PdfReader(io.BytesIO(data))
        parts, size = [], 0
        for number, page in enumerate(reader.pages):
            if number >= EXTRACT_MAX_PAGES or size >= EXTRACT_MAX_CHARS:
                break
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
        return "\n".join(parts)
    if kind == "docx":
        import docx
        document = docx.Document(io.BytesIO(data))
        parts, size = [], 0
        for paragraph in document.paragraphs:
            parts.append(paragraph.text)
            size += len(paragraph.text)
            if size >= EXTRACT_MAX_CHARS:
                break
        return "\n".join(parts)
    return ""


def extract_text(kind, data, timeout=EXTRACT_TIMEOUT_S):
    """Text inside a PDF or DOCX, at most EXTRACT_MAX_CHARS, given up after `timeout` seconds.

    Runs in a daemon thread so that a hostile file (a PDF built to make the parser loop) cannot
    hold the request: after the timeout the upload goes on without the text.
    """
    if kind not in ("pdf", "docx"):
        return ""
    result = {}

    def work():
        try:
            result["text"] = _extract(kind, data)
        except Exception:  # noqa: BLE001 — a damaged file is still a valid attachment, only unsearchable
            result["text"] = ""

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout)
    text = result.get("text", "")
    return " ".join(text.split())[:EXTRACT_MAX_CHARS] if text else ""


def _store(data):
    directory = current_app.config["UPLOAD_DIR"]
    os.makedirs(directory, exist_ok=True)
    stored_name = secrets.token_hex(16)
    with open(os.path.join(directory, stored_name), "xb") as f:
        f.write(data)
    return stored_name


def stored_path(version):
    """Absolute path of a stored file (its name is ours and random, never the uploader's)."""
    return os.path.join(current_app.config["UPLOAD_DIR"], version.stored_name)


def add_file(resource, filename, data, uploader, attachment=None):
    """Check and store a file as a new attachment of `resource`, or as a new version of
    `attachment` (older versions stay listed). Flushed, not committed; returns the FileVersion."""
    kind, mimetype = check_upload(filename, data)
    if kind in ("png", "jpeg"):
        data = strip_image(kind, data)
    text = extract_text(kind, data)
    if attachment is None:
        attachment = Attachment(resource=resource)
        db.session.add(attachment)
        number = 1
    else:
        number = (attachment.current.number if attachment.current else 0) + 1
    version = FileVersion(attachment=attachment, number=number, filename=clean_filename(filename, kind),
                          stored_name=_store(data), kind=kind, mimetype=mimetype, size=len(data),
                          text=text, uploaded_by=uploader)
    db.session.add(version)
    db.session.flush()
    # The resource's search document includes its files' text; a new version changes it.
    resource.updated_at = version.created_at
    return version
