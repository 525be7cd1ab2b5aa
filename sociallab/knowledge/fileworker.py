"""The separate process that opens uploaded files under memory, CPU and output limits, and
`run`, which the server calls to start it, wait for it and read its answer.

The worker is this file run as a script:

    python -I -B fileworker.py KIND CPU_SECONDS MEMORY_BYTES OUTPUT_BYTES  < file  > answer

It answers with its exit status (below) and what it wrote: a PDF's or DOCX's text, a re-encoded
image. Whatever a hostile file makes a parser do, it does it there: the kernel stops the worker
at its limits and `run` kills it at its wall-clock deadline. This module imports nothing from
sociallab (and the worker starts with an empty environment), so neither the configuration nor
its secrets ever reach the process that parses.
"""
import io
import logging
import math
import os
import resource
import subprocess  # nosec B404 — to start the worker: a fixed argv, no shell
import sys
import tempfile
import time
import zipfile
from xml.parsers import expat

# extension → (kind, MIME type). Office formats are ZIP containers; see is_kind.
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
CONTAINERS = ("docx", "xlsx", "pptx", "odt", "ods")
IMAGES = ("png", "jpeg")

# Exit statuses the server reads. Any other (a signal from a limit, a crash) means "stopped".
OK = 0
NOT_THIS_KIND = 10
EXPANDS_TOO_MUCH = 11
TOO_MANY_PIXELS = 12
UNREADABLE = 13
OUT_OF_MEMORY = 14  # a limit struck, like the CPU limit's signal: no verdict on the file
STATUSES = (OK, NOT_THIS_KIND, EXPANDS_TOO_MUCH, TOO_MANY_PIXELS, UNREADABLE)

EXTRACT_MAX_CHARS = 100_000
EXTRACT_MAX_PAGES = 200
MAX_IMAGE_PIXELS = 25_000_000
# A Word or spreadsheet part compresses 5 to 30 times; one that expands 100 times or more and
# to megabytes was built to be big once opened (a "zip bomb"), by whoever sent it or whatever
# they used, and would hang the office software of the partners who download it too.
ZIP_MAX_RATIO = 100
ZIP_RATIO_FROM_BYTES = 10 * 1024 * 1024
ZIP_MAX_EXPANDED_BYTES = 512 * 1024 * 1024
ZIP_MAX_MEMBERS = 10_000
# The text of a DOCX is read from at most this much of its XML (a 20 MB document holds less).
DOCX_XML_MAX_BYTES = 64 * 1024 * 1024
SMALL_PART_MAX_BYTES = 64 * 1024
TEXT_SHARE_OF_DEADLINE = 0.6
WORKER = os.path.abspath(__file__)
log = logging.getLogger(__name__)
WORD_NAMESPACES = {"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                   "http://purl.oclc.org/ooxml/wordprocessingml/main"}


def run(kind, data, seconds, memory_bytes, output_bytes):
    """(exit status, or None if the worker was stopped or never started; what it wrote, at most
    output_bytes). The worker always ends here: killed at the deadline and reaped, even when the
    request waiting for it is itself interrupted.

    A fresh interpreter, not a fork of the server: forking a threaded (or gevent) server copies
    its locks in whatever state they are in. Under gevent, subprocess is gevent's own and the
    wait lets the other requests run.
    """
    command = [sys.executable, "-I", "-B", WORKER, kind, str(math.ceil(seconds)), str(memory_bytes),
               str(output_bytes)]
    with tempfile.TemporaryFile() as source, tempfile.TemporaryFile() as answer:
        try:
            source.write(data)
            source.seek(0)
            # Bandit B603: an argv of constants (kind is a key of FORMATS), no shell.
            worker = subprocess.Popen(command, stdin=source, stdout=answer, stderr=subprocess.DEVNULL,  # noqa: S603 # nosec B603
                                      env={}, cwd=tempfile.gettempdir())
        except OSError as error:  # a full disk, no process left to start: no answer, not a crash
            log.error("could not start the file worker: %s", error)
            return None, b""
        try:
            status = worker.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            status = None
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        if status not in STATUSES:
            log.warning("file worker stopped on a %s of %d bytes (status %s)", kind, len(data), status)
            status = None
        answer.seek(0)
        return status, answer.read(output_bytes)


def confine(cpu_seconds, memory_bytes, output_bytes):
    """Limits the kernel holds this process to from here on, whatever the parsers do."""
    _lower(resource.RLIMIT_CORE, 0)  # a stopped worker leaves no copy of the file on disk
    _lower(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1)  # SIGXCPU, then SIGKILL
    _lower(resource.RLIMIT_AS, memory_bytes)  # allocations fail (MemoryError) past it
    _lower(resource.RLIMIT_FSIZE, output_bytes)  # stdout is a file: writes past it fail


def _lower(limit, soft, hard=None):
    """Never raise a limit the server itself runs under (setrlimit would refuse anyway)."""
    current_hard = resource.getrlimit(limit)[1]
    hard = soft if hard is None else hard
    if current_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(limit, (soft, hard))


class Text:
    """Text written out as it is found, so the server keeps what came before a limit struck.
    It is done when it holds EXTRACT_MAX_CHARS, or at `stop_at` (time.monotonic())."""

    def __init__(self, out, stop_at):
        self.out = out
        self.stop_at = stop_at
        self.left = EXTRACT_MAX_CHARS

    @property
    def done(self):
        return self.left <= 0 or time.monotonic() > self.stop_at

    def write(self, text):
        text = text[:max(self.left, 0)]
        self.left -= len(text) + 1
        self.out.write(text.encode("utf-8", "ignore") + b"\n")


def pdf_text(data, text):
    # Loaded by the worker process only for the kind it parses (its start stays cheap; no cycle).
    from pypdf import PdfReader
    try:
        for number, page in enumerate(PdfReader(io.BytesIO(data)).pages):
            if number >= EXTRACT_MAX_PAGES or text.done:
                break
            text.write(page.extract_text() or "")
            text.out.flush()
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001, S110  # nosec B110 — a damaged PDF is still a valid attachment, unsearchable
        pass
    return OK


def check_container(kind, data, text):
    """Is this ZIP the document its name says, of a sane unpacked size? For a DOCX, its text."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 — BadZipFile, and whatever else a forged directory raises
        return NOT_THIS_KIND
    if len(members) > ZIP_MAX_MEMBERS:
        return NOT_THIS_KIND
    if sum(m.file_size for m in members) > ZIP_MAX_EXPANDED_BYTES or any(map(_inflates_absurdly, members)):
        return EXPANDS_TOO_MUCH
    if not is_kind(kind, archive):
        return NOT_THIS_KIND
    if kind == "docx":
        docx_text(archive, text)
    return OK


def _inflates_absurdly(member):
    return member.file_size > ZIP_RATIO_FROM_BYTES and member.file_size > ZIP_MAX_RATIO * member.compress_size


def is_kind(kind, archive):
    names = archive.namelist()
    if kind in OOXML_PART:
        return "[Content_Types].xml" in names and any(n.startswith(OOXML_PART[kind]) for n in names)
    mimetype = _small_part(archive, "mimetype")
    return mimetype is not None and mimetype.decode("ascii", "replace").strip() == FORMATS[kind][1]


def _small_part(archive, name):
    """A part that is a few bytes in any real document, or None (missing, big, damaged)."""
    try:
        info = archive.getinfo(name)
        return archive.read(info) if info.file_size <= SMALL_PART_MAX_BYTES else None
    except Exception:  # noqa: BLE001 — KeyError, zlib.error, BadZipFile, NotImplementedError...
        return None


def docx_text(archive, text):
    """The paragraphs of the main document, streamed from the ZIP: never more than
    DOCX_XML_MAX_BYTES of XML inflated, never a tree held in memory."""
    reader = _WordText(text)
    try:
        with archive.open(_main_document(archive)) as member:
            inflated = 0
            while not text.done and inflated < DOCX_XML_MAX_BYTES:
                chunk = member.read(min(64 * 1024, DOCX_XML_MAX_BYTES - inflated))
                if not chunk:
                    break
                inflated += len(chunk)
                reader.parser.Parse(chunk, False)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001, S110  # nosec B110 — the document opened; only (the rest of) its text is lost
        pass
    reader.end_paragraph()


def _main_document(archive):
    """The part the package names as its main document (word/document.xml when Word wrote it)."""
    targets = []

    def relation(_name, attributes):
        if attributes.get("Type", "").endswith("/officeDocument") and attributes.get("Target"):
            targets.append(attributes["Target"].lstrip("/"))
    parser = xml_parser()
    parser.StartElementHandler = relation
    try:
        parser.Parse(_small_part(archive, "_rels/.rels") or b"", True)
    except (expat.ExpatError, ValueError):
        targets.clear()
    return targets[0] if targets else "word/document.xml"


def xml_parser():
    """An expat parser that refuses a DTD: no OOXML part has one, and one would be there only to
    declare entities (that expand a few bytes into gigabytes, or point to other files)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    return parser


def _refuse_dtd(*_args):
    raise ValueError("a DTD in an OOXML part")


def _word(local):
    return {f"{namespace} {local}" for namespace in WORD_NAMESPACES}


class _WordText:
    """The text runs (w:t) of WordprocessingML, one line per paragraph, through expat handlers
    (called for every element: they compare whole names and do nothing else)."""
    RUN_TEXT, PARAGRAPH = _word("t"), _word("p")
    SPACES = dict.fromkeys(_word("tab"), " ") | dict.fromkeys(_word("br") | _word("cr"), "\n")

    def __init__(self, text):
        self.text = text
        self.in_run_text = 0
        self.paragraph = []
        self.size = 0
        self.parser = xml_parser()
        self.parser.ordered_attributes = True  # a list, cheaper than a dict never read
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.characters

    def start(self, name, _attributes):
        if name in self.RUN_TEXT:
            self.in_run_text += 1
        elif name in self.SPACES:
            self.add(self.SPACES[name])

    def end(self, name):
        if name in self.RUN_TEXT:
            self.in_run_text -= 1
        elif name in self.PARAGRAPH:
            self.end_paragraph()

    def characters(self, data):
        if self.in_run_text:
            self.add(data)

    def add(self, data):
        # One paragraph can be all of a huge document: it is cut at what the text may still hold.
        if self.size < self.text.left:
            self.paragraph.append(data)
            self.size += len(data)

    def end_paragraph(self):
        if self.paragraph:
            self.text.write("".join(self.paragraph))
        self.paragraph, self.size = [], 0


def reencode_image(kind, data, out):
    """The image's pixels in a new file: no EXIF, GPS position, comments or text chunks."""
    # Loaded by the worker process only for the kind it parses (its start stays cheap; no cycle).
    from PIL import Image, ImageOps
    # Pillow also refuses, from the header, an image of more than twice this.
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    encoded = io.BytesIO()
    try:
        with Image.open(io.BytesIO(data), formats=["PNG" if kind == "png" else "JPEG"]) as image:
            # The header is all that has been read: refuse before decoding a single pixel.
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return TOO_MANY_PIXELS
            image.load()
            # Keep the way the photo was taken upright before the orientation tag goes.
            ImageOps.exif_transpose(image, in_place=True)
            # What the encoders would carry over (a JPEG comment, a PNG's text) goes; the
            # transparency of a palette image is part of its pixels and stays.
            image.info = {k: v for k, v in image.info.items() if k == "transparency"}
            if kind == "jpeg":
                if image.mode != "RGB":
                    image = image.convert("RGB")
                image.save(encoded, "JPEG", quality=88, optimize=True)
            else:
                if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                    image = image.convert("RGBA")
                image.save(encoded, "PNG", optimize=True)
    except Image.DecompressionBombError:
        return TOO_MANY_PIXELS
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 — UnidentifiedImageError, OSError, and what a forged EXIF raises
        return UNREADABLE
    out.write(encoded.getbuffer())
    return OK


def main(argv):
    kind, cpu_seconds, memory_bytes, output_bytes = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    # Text is looked for until this share of the deadline, then what was found is the answer: the
    # server's kill is for a parser that never comes back, not for a long document (a container
    # killed unchecked would be refused).
    stop_at = time.monotonic() + TEXT_SHARE_OF_DEADLINE * cpu_seconds
    confine(cpu_seconds, memory_bytes, output_bytes)
    try:
        return work(kind, sys.stdin.buffer.read(), sys.stdout.buffer, stop_at)
    except MemoryError:
        return OUT_OF_MEMORY


def work(kind, data, out, stop_at):
    if kind == "pdf":
        return pdf_text(data, Text(out, stop_at))
    if kind in IMAGES:
        return reencode_image(kind, data, out)
    if kind in CONTAINERS:
        return check_container(kind, data, Text(out, stop_at))
    return UNREADABLE


if __name__ == "__main__":
    sys.exit(main(sys.argv))
