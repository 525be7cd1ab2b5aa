"""Hostile files: a DOCX zip bomb, a PDF that keeps its parser busy, a 49-megapixel PNG and a PNG
whose header lies. Each upload answers within seconds, the server process's memory stays where
it was, the person sees a clear outcome, and no worker process is left behind."""
import glob
import io
import json
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image

from sociallab.extensions import db
from sociallab.knowledge import fileworker, uploads
from sociallab.knowledge.models import Resource
from tests.conftest import csrf_token_from
from tests.factories import resource
from tests.knowledge import files
from tests.knowledge.stored import stored_bytes, stored_names, stored_versions

QUICK_SECONDS = 3
# What handling any upload costs the test process: the request, the page, the temporary files.
SERVER_GROWTH_MB = 25


@dataclass
class Cost:
    seconds: float = 0.0
    growth_mb: float = 0.0


def _status_mb(key):
    with open("/proc/self/status") as f:
        return int(re.search(rf"^{key}:\s+(\d+) kB", f.read(), re.MULTILINE).group(1)) / 1024


@contextmanager
def cost():
    """Wall time, and how far this process's peak resident memory rose above where it stood
    (Linux resets the peak on request; where it may not, the old peak is the baseline)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        baseline = _status_mb("VmRSS")
    except OSError:
        baseline = _status_mb("VmHWM")
    spent = Cost()
    started = time.monotonic()
    yield spent
    spent.seconds = time.monotonic() - started
    spent.growth_mb = _status_mb("VmHWM") - baseline


def workers():
    """This process's child processes, reaped or not (a zombie is still listed)."""
    pids = set()
    for path in glob.glob("/proc/self/task/*/children"):
        with open(path) as f:
            pids.update(f.read().split())
    return pids


def post_file(client, url, page, filename, data, **fields):
    """POST a file (and form fields) with the token of `page`; only the POST itself is measured."""
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    with cost() as spent:
        response = client.post(url, data={**fields, "csrf_token": token, "file": (io.BytesIO(data), filename)},
                               content_type="multipart/form-data")
    return response, spent


def upload(client, item, filename, data, **fields):
    return post_file(client, f"/resources/{item.id}/files", f"/resources/{item.id}", filename, data, **fields)


def test_a_docx_that_inflates_to_300_mb_is_refused_at_once_and_the_form_comes_back_as_typed(
        app, client, auth, world):
    bomb = files.docx_bomb()
    auth.login(world.member.email)
    url = f"/spaces/{world.sn_space.slug}/library/new"
    response, spent = post_file(client, url, url, "plan.docx", bomb, type="toolkit", lang="fr",
                                status="published", title="Plan de protection 2027", body="Mon texte précieux")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "il se décompresserait" in page
    assert "Plan de protection 2027" in page and "Mon texte précieux" in page
    assert db.session.scalar(db.select(db.func.count(Resource.id))) == 0 and stored_versions() == []
    assert stored_names() == set()
    assert spent.seconds < QUICK_SECONDS, spent
    assert spent.growth_mb < SERVER_GROWTH_MB, spent


def test_a_pdf_that_keeps_the_parser_busy_is_stopped_and_kept_without_its_text(monkeypatch, client, auth, world):
    # The worker's deadline is 5 s in production; 1 s here keeps the suite quick, same path.
    monkeypatch.setattr(uploads, "TEXT_SECONDS", 1.0)
    item = resource(world.sn_space, world.member, "Rapport")
    auth.login(world.member.email)
    before = workers()
    response, spent = upload(client, item, "rapport.pdf", files.pdf_with_endless_page())
    assert response.status_code == 302
    version = stored_versions()[0]
    assert (version.kind, version.text) == ("pdf", "")
    assert workers() == before  # killed at its deadline and reaped
    assert spent.seconds < QUICK_SECONDS, spent
    assert spent.growth_mb < SERVER_GROWTH_MB, spent


def test_a_docx_whose_text_is_slow_to_reach_is_kept_with_what_was_found(monkeypatch, client, auth, world):
    """20 MB of markup before its first word: the worker answers at three fifths of its deadline
    instead of being killed at it, since a container killed unchecked would be refused."""
    monkeypatch.setattr(uploads, "TEXT_SECONDS", 1.0)
    item = resource(world.sn_space, world.member, "Rapport")
    auth.login(world.member.email)
    response, spent = upload(client, item, "rapport.docx", files.docx_of_markup())
    assert response.status_code == 302
    assert stored_versions()[0].kind == "docx"
    assert spent.seconds < QUICK_SECONDS, spent


def test_a_49_megapixel_png_is_refused_before_its_pixels_are_decoded(client, auth, world):
    item = resource(world.sn_space, world.member, "Affiche")
    auth.login(world.member.email)
    response, spent = upload(client, item, "affiche.png", files.png_of(7000, 7000), shows_people="no")
    assert response.status_code == 400
    assert "25 mégapixels au plus" in response.get_data(as_text=True)
    assert stored_versions() == []
    assert spent.seconds < QUICK_SECONDS, spent
    assert spent.growth_mb < SERVER_GROWTH_MB, spent


def test_a_png_whose_header_lies_about_its_data_is_decoded_no_further_than_its_header(app, client, auth, world):
    """1000 x 1000 in the header, 50 MB of pixel rows in the data: Pillow stops at the header's
    size, and the stored image is the 1000 x 1000 one."""
    item = resource(world.sn_space, world.member, "Schéma")
    auth.login(world.member.email)
    response, spent = upload(client, item, "schema.png", files.png_of(1000, 1000, rows=400_000),
                             shows_people="no")
    assert response.status_code == 302
    assert Image.open(io.BytesIO(stored_bytes(stored_versions()[0]))).size == (1000, 1000)
    assert spent.seconds < QUICK_SECONDS, spent
    assert spent.growth_mb < SERVER_GROWTH_MB, spent


def run_worker_script(kind, data, cpu_seconds, memory_bytes):
    """The worker as the server starts it, but with the limits chosen here and no deadline."""
    return subprocess.run([sys.executable, "-I", "-B", fileworker.WORKER, kind, str(cpu_seconds), str(memory_bytes),
                           "4096"], input=data, capture_output=True, env={}, timeout=60, check=False).returncode


def test_the_kernel_stops_the_worker_at_its_cpu_limit():
    status = run_worker_script("pdf", files.pdf_with_endless_page(), cpu_seconds=1, memory_bytes=512 << 20)
    assert status == -signal.SIGXCPU


def test_the_kernel_stops_the_worker_at_its_memory_limit():
    """A 70 MB content stream packed in 100 KB: decompressing it does not fit in 128 MB."""
    endless = files.pdf_with_endless_page(operators=10_000_000)
    assert run_worker_script("pdf", endless, cpu_seconds=60, memory_bytes=128 << 20) == fileworker.OUT_OF_MEMORY


GEVENT_SERVER = """
from gevent import monkey
monkey.patch_all()
import glob, importlib.util, json, sys, time
import gevent

# Loaded from its file, not through the sociallab package, so that the app is not imported.
spec = importlib.util.spec_from_file_location("fileworker", sys.argv[1])
fileworker = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fileworker)
endless = sys.stdin.buffer.read()
beats = []
def heartbeat():
    while True:
        beats.append(time.monotonic())
        gevent.sleep(0.02)
gevent.spawn(heartbeat)
gevent.sleep(0.1)
started = time.monotonic()
status, text = fileworker.run("pdf", endless, 1.0, int(sys.argv[2]), 4096)
seconds = time.monotonic() - started
during = [b for b in beats if b >= started]
children = "".join(open(p).read() for p in glob.glob("/proc/self/task/*/children")).split()
print(json.dumps({"status": status, "seconds": seconds, "beats": len(during),
                  "longest_pause": max(b - a for a, b in zip(during, during[1:])), "children": children}))
"""


def test_under_gevent_the_worker_is_stopped_on_time_while_the_server_keeps_serving():
    """Production runs a gevent worker: waiting for the file worker must let other requests run,
    and its deadline must still kill it (the old thread-based timeout could do neither)."""
    result = subprocess.run([sys.executable, "-c", GEVENT_SERVER, fileworker.WORKER, str(uploads.TEXT_MEMORY_BYTES)],
                            input=files.pdf_with_endless_page(), capture_output=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.decode().strip().splitlines()[-1])
    assert outcome["status"] is None and outcome["children"] == []
    assert outcome["seconds"] < QUICK_SECONDS
    assert outcome["beats"] >= 10 and outcome["longest_pause"] < 0.5, outcome
