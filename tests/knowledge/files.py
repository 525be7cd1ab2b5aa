"""Small real files of each accepted kind, and hostile ones (bombs, endless pages, huge images),
built in memory for upload tests."""
import io
import os
import struct
import zipfile
import zlib


def pdf(text="Guide de protection"):
    """A one-page PDF whose page shows `text` (Latin-1), readable by pypdf."""
    return _pdf(f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode("latin-1"))


def pdf_with_endless_page(operators=3_000_000):
    """A PDF of tens of kilobytes whose one page holds `operators` text operators, packed with
    FlateDecode: pypdf spends about six seconds of CPU per million of them, and memory grows as it
    goes. The stream is packed a slice at a time, never held whole."""
    packer = zlib.compressobj(6)
    slice_ = b"(a) Tj " * 100_000
    parts = [packer.compress(b"BT /F1 12 Tf ")]
    parts += [packer.compress(slice_) for _ in range(operators // 100_000)]
    parts.append(packer.compress(b"(a) Tj " * (operators % 100_000) + b"ET") + packer.flush())
    return _pdf(b"".join(parts), b" /Filter /FlateDecode")


def _pdf(content, stream_keys=b""):
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d%s >>\nstream\n" % (len(content), stream_keys) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx(text="Plan de formation"):
    import docx as python_docx
    document = python_docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def jpeg_with_gps():
    from PIL import Image
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (14.0, 41.0, 5.0), 3: "W", 4: (17.0, 26.0, 1.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png():
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def docx_bomb(expanded=300 * 1024 * 1024, compresslevel=1):
    """A real DOCX whose word/document.xml inflates to `expanded` bytes (blank space between
    paragraphs, which Word and python-docx accept). Written member by member from a generator, so
    building it costs about half a second and no memory; at compresslevel 9 the 300 MB one is
    the 299 KB file of the report, at the default level 1 it is 1.4 MB and three times cheaper."""
    template = zipfile.ZipFile(io.BytesIO(docx("Sommaire")))
    document = template.read("word/document.xml")
    head, _sep, tail = document.partition(b"<w:body>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for info in template.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info.filename, template.read(info.filename))
        with archive.open("word/document.xml", "w") as member:
            member.write(head + b"<w:body>")
            blank = b" " * (1024 * 1024)
            for _ in range(expanded // len(blank)):
                member.write(blank)
            member.write(tail)
    return out.getvalue()


def docx_of_markup(megabytes=20):
    """A real DOCX whose document.xml holds `megabytes` of empty, uniquely numbered paragraphs
    before its one line of text: it compresses like a real document (4 times, no zip bomb) but
    takes expat seconds to read through."""
    template = zipfile.ZipFile(io.BytesIO(docx("Fin du document")))
    head, sep, tail = template.read("word/document.xml").partition(b"<w:body>")
    paragraph = b'<w:p w:rsidR="%s"/>'  # 25 bytes with its 8 hexadecimal digits
    ids = os.urandom(4 * (megabytes * 1024 * 1024 // 25)).hex().encode()
    markup = b"".join(paragraph % ids[i:i + 8] for i in range(0, len(ids), 8))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info in template.infolist():
            body = template.read(info.filename)
            document = info.filename == "word/document.xml"
            archive.writestr(info.filename, head + sep + markup + tail if document else body)
    return out.getvalue()


def png_of(width, height, rows=None):
    """A black 1-bit PNG of width x height written by hand (a few kilobytes even at 49 megapixels,
    without ever holding the pixels). With `rows` the pixel data holds that many rows whatever the
    header says: more rows than `height` is a header that lies about what the data inflates to."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte "none", then the packed pixels
    rows = height if rows is None else rows
    packer = zlib.compressobj(9)
    batch = 4096
    pixels = [packer.compress(row * min(batch, rows - done)) for done in range(0, rows, batch)]
    pixels.append(packer.flush())
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + _png_chunk(b"IDAT", b"".join(pixels)) + _png_chunk(b"IEND", b""))


def _png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
