"""Behind a reverse proxy: the client's address and https come from the headers of as many
proxies as configured, and from nobody else."""
from tests.conftest import csrf_token_from, make_app, serving


def _failed_sign_in(app, forwarded_for):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # the proxy, the same for everyone
    headers = {"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https",
               "Referer": "https://localhost/login"}  # CSRF checks the referrer over https
    token = csrf_token_from(client.get("/login", headers=headers).get_data(as_text=True))
    return client.post("/login", headers=headers, data={
        "email": f"nobody.{forwarded_for}@example.org", "password": "wrong", "csrf_token": token})


def test_behind_one_proxy_each_client_address_has_its_own_sign_in_limit(tmp_path):
    with serving(make_app(tmp_path, TRUSTED_PROXIES=1)) as app:
        answers = [_failed_sign_in(app, "203.0.113.7").status_code for _ in range(6)]
        assert answers[-1] == 429
        # Another partner behind the same proxy is not locked out by the first one's mistakes,
        # and the proxy's https is believed (HSTS).
        response = _failed_sign_in(app, "198.51.100.4")
        assert response.status_code != 429
        assert "Strict-Transport-Security" in response.headers


def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(tmp_path):
    with serving(make_app(tmp_path, TRUSTED_PROXIES=0)) as app:
        answers = [_failed_sign_in(app, f"203.0.113.{n}").status_code for n in range(6)]
        assert answers[-1] == 429, "a client rotating X-Forwarded-For is still one address"
