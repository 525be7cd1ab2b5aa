"""Static files as a browser gets them: a fingerprinted URL cached for a year, any other briefly,
CSS and JS minified and gzipped, pages gzipped, and the session cookie left out of it."""
import gzip
import re

from flask import url_for

GZIP = {"Accept-Encoding": "gzip, deflate"}
FINGERPRINTED = re.compile(r"/static/css/site\.[0-9a-f]{12}\.css")


def site_css_url(app):
    with app.test_request_context():
        return url_for("static", filename="css/site.css")


def test_a_fingerprinted_file_is_cached_for_a_year_and_an_unfingerprinted_one_briefly(app, client):
    url = site_css_url(app)
    assert FINGERPRINTED.fullmatch(url), url
    fingerprinted = client.get(url)
    assert fingerprinted.status_code == 200
    assert fingerprinted.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = client.get("/static/css/site.css")
    assert plain.headers["Cache-Control"] == "public, max-age=600"
    assert plain.data == fingerprinted.data
    # A page cached from before an upgrade asks for the old hash: it gets today's file, not for a year.
    outdated = client.get("/static/css/site.000000000000.css")
    assert outdated.status_code == 200 and outdated.data == fingerprinted.data
    assert outdated.headers["Cache-Control"] == "public, max-age=600"


def test_the_fingerprint_changes_with_the_file(app, tmp_path):
    from sociallab.static_files import StaticFiles
    (tmp_path / "app.js").write_text("var a = 1;\n")
    files = StaticFiles(str(tmp_path), "/static")
    before = files.fingerprinted("app.js")
    (tmp_path / "app.js").write_text("var a = 22;\n")
    assert files.fingerprinted("app.js") != before
    assert files.fingerprinted("missing.js") == "missing.js"


def test_css_and_js_are_minified_and_gzipped_for_a_browser_that_accepts_it(app, client):
    with open(f"{app.static_folder}/css/site.css", "rb") as f:
        source = f.read()
    response = client.get(site_css_url(app), headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    css = gzip.decompress(response.data)
    assert b"/*" not in css and len(css) < len(source)
    assert len(response.data) < len(css) / 2
    # A client that does not say gzip gets the plain file.
    assert "Content-Encoding" not in client.get(site_css_url(app)).headers


def test_a_static_file_does_not_vary_with_the_session_cookie(app, client, auth, world):
    auth.login(world.member.email)
    response = client.get(site_css_url(app), headers=GZIP)
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "Set-Cookie" not in response.headers


def test_a_revalidated_file_answers_304(app, client):
    url = site_css_url(app)
    etag = client.get(url, headers=GZIP).headers["ETag"]
    assert client.get(url, headers={**GZIP, "If-None-Match": etag}).status_code == 304


def test_no_file_outside_the_static_folder(client):
    assert client.get("/static/../config.py").status_code == 404
    assert client.get("/static/%2e%2e/config.py").status_code == 404
    assert client.get("/static/css/nothing.css").status_code == 404
    assert client.post("/static/css/site.css").status_code == 405


def test_pages_leave_gzipped_with_a_length_that_varies(client):
    response = client.get("/login", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"<form" in gzip.decompress(response.data)
    # The random-length name in the gzip header ("Heal the BREACH"): a page's compressed length
    # does not tell an attacker how well their guess of the CSRF token compressed.
    lengths = {len(client.get("/login", headers=GZIP).data) for _ in range(8)}
    assert len(lengths) > 1
    assert "Content-Encoding" not in client.get("/login").headers
