r"""Static files and pages as a slow, costly connection wants them: fingerprinted, cached, minified, gzipped.

`url_for('static', filename='css/site.css')` gives `/static/css/site.<hash>.css`, the hash being
the file's content as served: such a URL never changes meaning, so it is cached for a year
(`immutable`), and a changed file gets a new URL. A static URL without a hash, or with an old one
(a page cached from before an upgrade), gets the current file with a short cache. CSS and JS go
out without their comments and indentation, and text files gzipped to a browser that accepts it,
each minified and compressed once per version of the file. HTML and JSON responses are gzipped
as they leave.

The static URLs are answered before the application (StaticMiddleware), so they need no session
or database. nginx may answer them itself instead: `location ~ "^/static/(.+)\.[0-9a-f]{12}(\.\w+)$"`
serving `$1$2` from the static folder with `expires max`, and gzip for text types.
"""
import gzip
import hashlib
import io
import mimetypes
import os
import secrets
from dataclasses import dataclass

import rcssmin
import rjsmin
from flask import request
from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response

YEAR = 31536000
# An unfingerprinted or outdated URL: a browser asks again after ten minutes.
SHORT = 600
# Comments and indentation stay in the repository, not on the wire (a vendored .min.js is left alone).
MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}
HASH_LENGTH = 12
HEX = frozenset("0123456789abcdef")


def unfingerprinted(filename):
    """`css/site.<hash>.css` → ("css/site.css", "<hash>"); None for an address without a hash.
    (Split by hand: a pattern with a leading `.+` is quadratic when searched.)"""
    rest, dot, extension = filename.rpartition(".")
    stem, dot_before, digest = rest.rpartition(".")
    if not (dot and dot_before and stem and extension.isascii() and extension.isalnum()
            and len(digest) == HASH_LENGTH and set(digest) <= HEX):
        return None
    return f"{stem}.{extension}", digest
STATIC_TEXT = ("text/", "application/javascript", "application/json", "image/svg+xml")
PAGE_TYPES = ("text/html", "application/json")
# Smaller than this, gzip saves less than its own header costs.
MIN_SIZE = 512


@dataclass(frozen=True)
class StaticFile:
    stamp: tuple
    digest: str
    mimetype: str
    data: bytes
    gzipped: bytes | None


class StaticFiles:
    """The static folder's files, each read, hashed and compressed once per version (mtime, size)."""

    def __init__(self, folder, url_path):
        self.folder = folder
        self.prefix = url_path.rstrip("/") + "/"
        self._files = {}

    def get(self, filename):
        path = safe_join(self.folder, filename)
        try:
            stat = os.stat(path) if path else None
        except (OSError, ValueError):  # ValueError: a NUL byte in the address
            stat = None
        if stat is None or not os.path.isfile(path):
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        known = self._files.get(filename)
        if known is not None and known.stamp == stamp:
            return known
        with open(path, "rb") as f:
            data = f.read()
        minify = MINIFIERS.get(os.path.splitext(filename)[1])
        if minify and not filename.endswith((".min.js", ".min.css")):
            data = minify(data.decode("utf-8")).encode("utf-8")
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        gzipped = None
        if mimetype.startswith(STATIC_TEXT) and len(data) >= MIN_SIZE:
            gzipped = gzip.compress(data, compresslevel=9, mtime=0)
        entry = StaticFile(stamp, hashlib.sha256(data).hexdigest()[:HASH_LENGTH], mimetype, data, gzipped)
        self._files[filename] = entry
        return entry

    def fingerprinted(self, filename):
        """`css/site.css` → `css/site.<hash>.css`; a missing file or one without an extension is left as is."""
        stem, ext = os.path.splitext(filename)
        entry = self.get(filename) if ext and stem and not stem.endswith("/") else None
        return f"{stem}.{entry.digest}{ext}" if entry else filename

    def respond(self, request):
        """The file asked for, gzipped when the browser accepts it, cached for a year when the URL
        carries its current hash."""
        if request.method not in ("GET", "HEAD"):
            return Response("Method not allowed", 405, {"Allow": "GET, HEAD"}, mimetype="text/plain")
        filename = request.path[len(self.prefix):]
        requested = None
        entry = self.get(filename)
        split = unfingerprinted(filename)
        if entry is None and split:
            original, requested = split
            entry = self.get(original)
        if entry is None:
            return Response("Not found", 404, mimetype="text/plain")
        compressed = entry.gzipped is not None and request.accept_encodings.quality("gzip") > 0
        response = Response(entry.gzipped if compressed else entry.data, mimetype=entry.mimetype)
        response.headers["X-Content-Type-Options"] = "nosniff"
        if entry.gzipped is not None:
            response.vary.add("Accept-Encoding")
        if compressed:
            response.content_encoding = "gzip"
        response.set_etag(entry.digest + ("-gz" if compressed else ""))
        response.cache_control.public = True
        if requested == entry.digest:
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        else:
            response.cache_control.max_age = SHORT
        return response.make_conditional(request)


class StaticMiddleware:
    """Answers the static URLs before the application: a CSS or JS file needs no session, sign-in
    or database, and must not vary with the session cookie, which would defeat the browser cache."""

    def __init__(self, wsgi_app, files):
        self.wsgi_app, self.files = wsgi_app, files

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(self.files.prefix):
            return self.wsgi_app(environ, start_response)
        return self.files.respond(Request(environ))(environ, start_response)


def gzip_page(data):
    """gzip with a random-length name in the header ("Heal the BREACH"): a page holding a secret
    (the CSRF token) beside text an attacker chose no longer has a length that tells whether they
    guessed part of the secret."""
    buffer = io.BytesIO()
    name = secrets.token_hex(1 + secrets.randbelow(50))
    with gzip.GzipFile(filename=name, mode="wb", fileobj=buffer, compresslevel=6, mtime=0) as f:
        f.write(data)
    return buffer.getvalue()


def compress_page(response):
    if (request.method == "HEAD" or response.direct_passthrough or response.is_streamed
            or response.status_code < 200 or response.status_code in (204, 304)
            or response.content_encoding or response.mimetype not in PAGE_TYPES
            or request.accept_encodings.quality("gzip") <= 0):
        return response
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(gzip_page(data))
    response.content_encoding = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def init_app(app):
    files = StaticFiles(app.static_folder, app.static_url_path)
    app.extensions["static_files"] = files
    app.wsgi_app = StaticMiddleware(app.wsgi_app, files)

    @app.url_defaults
    def fingerprint(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = files.fingerprinted(values["filename"])

    # The first hook registered runs last: the body is compressed once every other hook has seen it.
    app.after_request_funcs.setdefault(None, []).insert(0, compress_page)
