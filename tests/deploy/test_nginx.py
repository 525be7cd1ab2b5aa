"""nginx in front: deploy/nginx/sociallab.conf, the sample README "Production" points to, run as it
is (only its ports, certificate paths and gunicorn addresses changed) in front of two gunicorn
servers over one PostgreSQL and one Redis (tests/deploy/test_two_machines.py's), with TLS from a
self-signed certificate. Through it, over https, a member gets what the sample promises: plain http
redirected, TLS 1.2 or 1.3 with HTTP/2 offered, the health check, a signed-in page, a static file
cached for a year and gzipped, the largest file the app accepts uploaded and a request over the
app's limit refused with the app's own page, the live room over WebSocket (upgraded by nginx) and
over long-polling (which needs sticky sessions), sign-in limits counting the address nginx saw
rather than one a client claims, each address kept on one server and addresses spread over both,
and the site still answering while one server is down (an upgrade restarts them one at a time)."""
import asyncio
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.conftest import csrf_token_from, skip_or_fail
from tests.deploy.test_two_machines import (
    _free_port,
    _in_a_thread,
    _post_form,
    _sign_in,
    production_servers,
    redis_database,
)
from tests.knowledge import files

# Two servers and nginx, their own database and Redis: `make test` runs this after the others, alone.
pytestmark = pytest.mark.alone

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "deploy/nginx/sociallab.conf"
DATABASE = "test_nginx"
REDIS_URL = redis_database(11)  # the sign-in and rate limits' counters, emptied first
MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # config.py's default, what the sample's client_max_body_size follows
UPLOAD_MAX_BYTES = 20 * 1024 * 1024  # config.py's default: the largest file a person may add
STARTUP_SECONDS = 20
# Test addresses on the loopback (127.0.0.0/8 is all local): as many browsers at different addresses.
ADDRESSES = [f"127.0.0.{n}" for n in range(2, 26)]

# nginx itself: everything it writes goes under the test's directory, in the foreground.
MAIN = """daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
{user}
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/sociallab.conf;
}}
"""


def _nginx():
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        skip_or_fail("nginx is not installed (Debian: apt-get install nginx)")
    return found


def _render(sample, ports, backends, certificate, key):
    """The sample with the test's values: each line replaced must be there, or the test says so."""
    replacements = [
        ("    listen 80;\n", f"    listen 127.0.0.1:{ports['http']};\n"),
        ("    listen [::]:80;\n", ""),
        ("    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{ports['https']} ssl http2;\n"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/letsencrypt/live/sociallab.example.org/fullchain.pem", str(certificate)),
        ("/etc/letsencrypt/live/sociallab.example.org/privkey.pem", str(key)),
        ("    server 127.0.0.1:8001;\n    server 127.0.0.1:8002;\n",
         "".join(f"    server {backend.removeprefix('http://')};\n" for backend in backends)),
    ]
    for old, new in replacements:
        assert old in sample, f"deploy/nginx/sociallab.conf no longer holds {old!r}: update test_nginx.py"
        sample = sample.replace(old, new)
    return sample


def _certificate(directory):
    """A self-signed certificate for 127.0.0.1, as a real one would be for the site's name."""
    certificate, key = directory / "cert.pem", directory / "key.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                           "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                           "-keyout", str(key), "-out", str(certificate)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    return certificate, key


def _wait_for_port(port, process, log):
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"nginx did not start:\n{log.read_text() if log.exists() else ''}")
        time.sleep(0.1)


@contextmanager
def _nginx_in_front(directory, backends, https_port):
    nginx = _nginx()
    directory.mkdir()
    certificate, key = _certificate(directory)
    ports = {"http": _free_port(), "https": https_port}
    (directory / "sociallab.conf").write_text(_render(SAMPLE.read_text(), ports, backends, certificate, key))
    # Workers run as nginx's compiled-in user (nobody) when started by root: this test's files are its own.
    user = "user root;" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(MAIN.format(dir=directory, user=user))
    checked = subprocess.run([nginx, "-t", "-p", str(directory), "-c", str(directory / "nginx.conf")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    log = directory / "error.log"
    process = subprocess.Popen([nginx, "-p", str(directory), "-c", str(directory / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(ports["https"], process, log)
        yield ports["http"], certificate, directory
    finally:
        process.send_signal(signal.SIGTERM)  # nginx's fast shutdown
        process.wait(timeout=20)


@pytest.fixture
def site(tmp_path):
    """(https address, http address, certificate, prepared ids, the servers (process, address, log),
    nginx's directory)."""
    # The https port is chosen first: SITE_URL names it, as it names the site's address in production.
    https_port = _free_port()
    settings = {"SITE_URL": f"https://127.0.0.1:{https_port}", "TRUSTED_PROXIES": "1",
                "PREFERRED_URL_SCHEME": "https", "GUNICORN_ACCESS_LOG": "-",
                "SOCKETIO_CHANNEL": "sociallab-test-nginx", "LOGIN_LIMIT_PER_ADDRESS": "2 per minute"}
    with production_servers(tmp_path, DATABASE, REDIS_URL, **settings) as (servers, prepared, _instances):
        backends = [url for _process, url, _log in servers]
        with _nginx_in_front(tmp_path / "nginx", backends, https_port) as (http_port, certificate, directory):
            yield (f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", certificate, prepared,
                   servers, directory)


class FromAddress(HTTPAdapter):
    """Requests sent from another loopback address: another browser, as nginx sees it."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def _browser(base, certificate):
    """A browser trusting the test's certificate, as a real one trusts the site's. Like a browser it
    sends a Referer from the site (Referrer-Policy: same-origin): over https the app's CSRF check
    wants one of the same origin, which it can only recognise if nginx passed on Host and the scheme."""
    browser = requests.Session()
    browser.trust_env = False  # else REQUESTS_CA_BUNDLE, if set, would replace `verify`
    browser.verify = str(certificate)
    browser.headers["Referer"] = f"{base}/"
    return browser


def _browser_at(address, base, certificate):
    browser = _browser(base, certificate)
    browser.mount("https://", FromAddress(address))
    return browser


async def _live_room(base, workshop_id, awa, moussa):
    """Awa over WebSocket, Moussa over long-polling, both through nginx: what each receives."""
    import socketio
    received = asyncio.Queue()
    clients = []
    try:
        for browser, transport in ((awa, "websocket"), (moussa, "polling")):
            client = socketio.AsyncClient(reconnection=False, ssl_verify=False)
            if browser is moussa:
                client.on("room_event", received.put_nowait, namespace="/workshops")
            cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
            # Origin as a browser sends it: the app accepts the same origin only, which it knows from
            # the Host and X-Forwarded-Proto nginx passes on.
            await client.connect(base, headers={"Cookie": cookie, "Origin": base}, namespaces=["/workshops"],
                                 transports=[transport], auth={"workshop_id": workshop_id}, wait_timeout=10)
            joined = await client.call("join", {"last_seq": 0}, namespace="/workshops", timeout=10)
            assert joined["ok"], joined
            clients.append(client)
        transports = [client.transport() for client in clients]
        events = []
        for n in range(3):  # several long-polling rounds: each must reach the process holding Moussa
            sent = await clients[0].call("chat", {"body": f"Bonjour par nginx {n}", "client_id": f"nginx-{n}"},
                                         namespace="/workshops", timeout=10)
            assert sent["ok"], sent
            while True:
                event = await asyncio.wait_for(received.get(), timeout=10)
                if event["kind"] == "chat.message":
                    events.append(event["data"]["body"])
                    break
        return transports, events
    finally:
        for client in clients:
            await client.disconnect()


def _servers_reached(logs, probes):
    """For each probe, which servers' access logs hold the request it marks. gunicorn writes the line
    once the answer is sent, so the client may read it first: the lines are waited for a moment."""
    deadline = time.monotonic() + 5
    while True:
        texts = [log.read_text() for log in logs]
        reached = {probe: [n for n, text in enumerate(texts) if f"probe={probe} " in text] for probe in probes}
        if all(reached.values()) or time.monotonic() > deadline:
            return reached
        time.sleep(0.1)


def test_the_sample_nginx_configuration_serves_the_site_over_https(site):
    base, plain, certificate, prepared, servers, nginx_dir = site
    logs = [log for _process, _url, log in servers]
    started = time.monotonic()

    # TLS as the sample sets it: the certificate configured, TLS 1.2 or 1.3, HTTP/2 offered.
    context = ssl.create_default_context(cafile=str(certificate))
    context.set_alpn_protocols(["h2", "http/1.1"])
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as raw, context.wrap_socket(raw,
                                                                                  server_hostname="127.0.0.1") as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3") and tls.selected_alpn_protocol() == "h2"

    # Plain http only redirects to the same address over https.
    redirected = requests.get(f"{plain}/forums/?page=2", allow_redirects=False, timeout=10)
    assert redirected.status_code == 301 and redirected.headers["Location"] == "https://127.0.0.1/forums/?page=2"

    # The health check, through nginx.
    health = requests.get(f"{base}/healthz", verify=str(certificate), timeout=10)
    assert health.status_code == 200, health.text
    assert health.json() == {"status": "ok", "services": {"database": "ok", "redis": "ok", "search": "ok"}}

    # Awa signs in and opens a page: gzipped, with the security headers the app sends once.
    awa = _sign_in(base, "awa@example.org", _browser(base, certificate))
    page = awa.get(f"{base}/account/profile", allow_redirects=False)
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "," not in page.headers["Strict-Transport-Security"]  # once, not from nginx too

    # A static file: its fingerprinted address, cached for a year, gzipped.
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.text).group(1)
    static = awa.get(f"{base}{stylesheet}", headers={"Accept-Encoding": "gzip"})
    assert static.status_code == 200 and static.headers["Content-Encoding"] == "gzip"
    assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "body" in static.text

    # The largest file the app accepts goes through nginx, and comes back the same.
    new_resource = f"{base}/spaces/{prepared['space']}/library/new"
    largest = files._pdf(b"BT /F1 12 Tf 72 712 Td (Guide par nginx) Tj ET\n% "
                         + b"x" * (UPLOAD_MAX_BYTES - 1500))
    assert UPLOAD_MAX_BYTES - 1024 < len(largest) <= UPLOAD_MAX_BYTES
    added = _post_form(awa, new_resource, new_resource, {
        "type": "guide", "title": "Guide par nginx", "summary": "", "body": "", "lang": "fr", "status": "published"},
        files={"file": ("guide-nginx.pdf", largest, "application/pdf")})
    assert added.status_code == 302, added.text[:500]
    resource = awa.get(urljoin(base, added.headers["Location"]))
    version_id = re.search(r"/files/(\d+)/download", resource.text).group(1)
    download = awa.get(f"{base}/files/{version_id}/download")
    assert download.status_code == 200 and download.content == largest

    # A request over the app's MAX_CONTENT_LENGTH reaches the app, which refuses it with its own
    # page in Awa's language (nginx's limit is a little higher), not nginx's bare one.
    too_large = _post_form(awa, new_resource, new_resource, {
        "type": "guide", "title": "Trop gros", "summary": "", "body": "", "lang": "fr", "status": "published"},
        files={"file": ("trop-gros.pdf", b"%PDF-1.4\n" + b"x" * MAX_CONTENT_LENGTH, "application/pdf")})
    assert too_large.status_code == 413
    assert "Ce que vous avez envoyé est trop volumineux" in too_large.text and "nginx" not in too_large.text

    # The live room through nginx: Awa's WebSocket upgraded, Moussa's long-polling kept on the
    # process that holds it (sticky), and each of Awa's messages reaching Moussa.
    moussa = _sign_in(base, "moussa@example.org", _browser(base, certificate))
    transports, events = _in_a_thread(_live_room(base, prepared["workshop"], awa, moussa))
    assert transports == ["websocket", "polling"]
    assert events == [f"Bonjour par nginx {n}" for n in range(3)]
    assert re.search(r'"GET /socket\.io/\?[^"]*transport=websocket[^"]* HTTP/1\.1" 101 ',
                     (nginx_dir / "access.log").read_text())

    # Sign-in limits count the address nginx saw: a client claiming other addresses in its own
    # X-Forwarded-For still has two failed attempts a minute (the test's limit), not two each.
    stranger = _browser(base, certificate)
    answers = []
    for n in range(3):
        token = csrf_token_from(stranger.get(f"{base}/login").text)
        answers.append(stranger.post(f"{base}/login", allow_redirects=False,
                                     headers={"X-Forwarded-For": f"203.0.113.{n}"},
                                     data={"email": f"inconnu{n}@example.org", "password": "pas le bon mot de passe",
                                           "csrf_token": token}).status_code)
    assert answers == [200, 200, 429]

    # Each browser's requests reach one server, and browsers at different addresses reach both.
    for address in ADDRESSES:
        browser = _browser_at(address, base, certificate)
        for n in range(2):
            assert browser.get(f"{base}/healthz", params={"probe": f"{address}-{n}"}).status_code == 200
    probes = _servers_reached(logs, [f"{address}-{n}" for address in ADDRESSES for n in range(2)])
    reached = {address: [probes[f"{address}-{n}"] for n in range(2)] for address in ADDRESSES}
    assert all(len(first) == 1 and first == second for first, second in reached.values()), reached
    assert {first[0] for first, _second in reached.values()} == {0, 1}, reached

    # One server stopped, as an upgrade restarts them one at a time: every browser still gets its
    # pages, those it was sent to now through the other server.
    process = servers[reached[ADDRESSES[0]][0][0]][0]
    process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
    process.wait(timeout=30)
    for address in ADDRESSES:
        browser = _browser_at(address, base, certificate)
        assert browser.get(f"{base}/login").status_code == 200, address
    print(f"RESULT nginx: scenario {time.monotonic() - started:.1f} s")

