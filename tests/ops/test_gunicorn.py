"""gunicorn.conf.py: gunicorn boots production's workers from it, and each freezes the loaded application."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(tmp_path: Path) -> dict:
    """The development settings on an empty SQLite file: the login page reads no table."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "povertyboard.settings"}


def test_gunicorn_started_in_the_checkout_serves_with_its_config(tmp_path):
    port, log = free_port(), tmp_path / "gunicorn.log"
    # only the bind and the log on the command line: the application, worker model and hook come from the file
    server = subprocess.Popen([GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--error-logfile", log],
                              cwd=ROOT, env=environment(tmp_path))
    try:
        deadline, page = time.monotonic() + 60, None
        while page is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
                    page = (response.status, response.read().decode())
            except OSError:
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert page is not None, text[-3000:]
    assert page[0] == 200 and "登录" in page[1]
    assert "Using worker: gthread" in text
    assert "Traceback" not in text and "Worker failed to boot" not in text


def test_post_worker_init_loads_the_urlconf_and_freezes_what_the_worker_holds(tmp_path):
    script = """
import gc, runpy, sys
import django
django.setup()
gc.collect()
before = (gc.get_freeze_count(), "povertyboard.urls" in sys.modules, len(gc.get_objects()))
runpy.run_path("gunicorn.conf.py")["post_worker_init"](None)
print(*before, gc.get_freeze_count(), "households.api.views" in sys.modules, len(gc.get_objects()))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environment(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    frozen_before, urls_before, tracked_before, frozen, views_loaded, tracked = result.stdout.split()
    assert (frozen_before, urls_before) == ("0", "False")
    assert views_loaded == "True"
    # every object the loaded application holds is frozen: the collector tracks none of them any more
    assert int(frozen) > int(tracked_before)
    assert int(tracked) < int(frozen) // 10


def test_the_access_log_masks_resident_ids_and_phones_in_paths(tmp_path):
    """Issue 25, item 11: a real gunicorn access log, not a record built by hand."""
    port, log, access = free_port(), tmp_path / "gunicorn.log", tmp_path / "access.log"
    resident_id, phone = "632821198004060029", "13897654321"
    server = subprocess.Popen([GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--error-logfile", log,
                               "--access-logfile", access], cwd=ROOT, env=environment(tmp_path))
    paths = (f"/api/v1/members/{resident_id}/", f"/households/{phone}/", "/accounts/login/")
    try:
        deadline, statuses = time.monotonic() + 60, None
        while statuses is None and time.monotonic() < deadline and server.poll() is None:
            try:
                statuses = [status_of(f"http://127.0.0.1:{port}{path}") for path in paths]
            except urllib.error.URLError:
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = access.read_text()
    assert statuses == [401, 302, 200], log.read_text()[-3000:]
    assert resident_id not in text and phone not in text
    assert "/api/v1/members/632821********0029/" in text
    assert "/households/138****4321/" in text


def status_of(url: str) -> int:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
