"""Where `next` may send someone after signing in or switching language: only to a page of this site."""
import re
from urllib.parse import quote, urljoin, urlsplit

from tests.conftest import csrf_token_from

# What an attacker puts in `next`, as the server receives it (query strings are decoded once).
NASTY_NEXT = [
    "//attacker.example", "///attacker.example", "////attacker.example", "//attacker.example/spaces",
    "/\t/attacker.example", "/\n/attacker.example", "/\r\n/x", "\t//attacker.example", " //attacker.example",
    "/\x0b/attacker.example", "/\x0c/attacker.example", "/\x00/attacker.example", "/\x7f/attacker.example",
    "\\\\attacker.example", "/\\attacker.example", "\\/attacker.example", "/\\/attacker.example",
    "http://attacker.example", "https://attacker.example/", "HTTP://attacker.example", "http:attacker.example",
    "http:/attacker.example", "https:\\\\attacker.example", "//localhost@attacker.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "%2F%2Fattacker.example", "/%2F%2Fattacker.example",
    "\uff0f\uff0fattacker.example", "/\uff0fattacker.example", "/\u2215attacker.example",
    "\u2044\u2044attacker.example", "/\u00a0/attacker.example", "/\u200b/attacker.example",
    "/\u2028/attacker.example", "/\u3000/attacker.example", "\u200e//attacker.example",
]
LOCAL_NEXT = ["/spaces", "/search?q=caf%C3%A9&page=2", "/account/profile#notifications"]


def where_a_browser_goes(location):
    """The URL a browser would open for this Location header, read the way browsers parse URLs
    (WHATWG): leading and trailing controls and spaces dropped, tabs and newlines removed
    anywhere, a backslash taken as a slash."""
    cleaned = location.strip("".join(map(chr, range(0x21))))
    cleaned = re.sub("[\t\n\r]", "", cleaned).replace("\\", "/")
    return urlsplit(urljoin("http://localhost/login", cleaned))


def _stays_here(response):
    if response.status_code != 302:
        return f"answered {response.status_code}"
    target = where_a_browser_goes(response.headers["Location"])
    if target.scheme != "http" or target.netloc != "localhost":
        return f"sent to {target.geturl()!r}"
    return None


def test_sign_in_never_sends_the_person_to_another_site(app, member):
    """`next` after sign-in: every nasty value ends on this site, none answers 500."""
    escaped = []
    for value in NASTY_NEXT:
        client = app.test_client()
        url = "/login?next=" + quote(value, safe="")
        token = csrf_token_from(client.get(url).get_data(as_text=True))
        response = client.post(url, data={"email": member.email, "password": "sociallab-demo", "csrf_token": token})
        if problem := _stays_here(response):
            escaped.append((value, problem))
    assert escaped == []


def test_language_switch_never_sends_the_person_to_another_site(client):
    """`next` on the language switch (a form field): every nasty value ends on this site, none answers 500."""
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    escaped = []
    for value in NASTY_NEXT:
        response = client.post("/language/en", data={"next": value, "csrf_token": token})
        if problem := _stays_here(response):
            escaped.append((value, problem))
    assert escaped == []


def test_a_tab_in_next_is_not_stripped_into_another_host(app, member):
    """The reported case, raw in the query string: /login?next=/%09/attacker.example."""
    client = app.test_client()
    url = "/login?next=/%09/attacker.example"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"email": member.email, "password": "sociallab-demo", "csrf_token": token})
    assert response.status_code == 302
    assert "attacker" not in response.headers["Location"]


def test_pages_of_this_site_are_still_honoured(app, client, member):
    """A local `next` is kept as it is, after sign-in and after switching language."""
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    for value in LOCAL_NEXT:
        response = client.post("/language/es", data={"next": value, "csrf_token": token})
        assert response.headers["Location"] == value
    for value in LOCAL_NEXT:
        person = app.test_client()
        url = "/login?next=" + quote(value, safe="")
        page = person.get(url).get_data(as_text=True)
        response = person.post(url, data={"email": member.email, "password": "sociallab-demo",
                                          "csrf_token": csrf_token_from(page)})
        assert response.headers["Location"] == value
