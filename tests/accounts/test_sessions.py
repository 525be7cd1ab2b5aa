"""HSTS over https, and a remember-me cookie that lives a month at most and is renewed on use."""
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from tests.conftest import csrf_token_from


def _cookie_expiry(response, name):
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            expires = next(part.split("=", 1)[1] for part in header.split("; ") if part.lower().startswith("expires="))
            return parsedate_to_datetime(expires)
    return None


def _sign_in(client, email, remember):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    data = {"email": email, "password": "sociallab-demo", "csrf_token": token}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def test_https_pages_carry_hsts(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers, "not over plain http (development)"
    hsts = client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"]
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 180 * 24 * 3600


def test_site_declared_https_carries_hsts_behind_a_proxy(app, client):
    """TLS ends at the proxy: the app sees http, but the site is declared https."""
    app.config["PREFERRED_URL_SCHEME"] = "https"
    assert "Strict-Transport-Security" in client.get("/login").headers


def test_remember_me_cookie_lives_a_month_at_most(app, client, member):
    expiry = _cookie_expiry(_sign_in(client, member.email, remember=True), "remember_token")
    assert expiry is not None
    assert expiry <= datetime.now(UTC) + timedelta(days=31)
    assert app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=31)


def test_remember_me_cookie_is_renewed_when_used(app, member):
    browser = app.test_client()
    _sign_in(browser, member.email, remember=True)
    remembered = browser.get_cookie("remember_token").value
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=30)
    # The browser was closed (session cookie gone) and opened again days later.
    reopened = app.test_client()
    reopened.set_cookie("remember_token", remembered)
    response = reopened.get("/spaces")
    assert response.status_code == 200
    renewed = _cookie_expiry(response, "remember_token")
    assert renewed is not None and renewed > datetime.now(UTC) + timedelta(days=29)


def test_no_remember_me_cookie_unless_asked(client, member):
    _sign_in(client, member.email, remember=False)
    assert client.get_cookie("remember_token") is None
    client.get("/spaces")
    client.get("/account/profile")
    assert client.get_cookie("remember_token") is None
