"""Production serves the staff pages' live WebSocket (staff/live.py) without a sync worker per
connection: gunicorn with uvicorn workers running helpdesk.asgi:application, and nginx passing
the upgrade on for /staff/live/ with a long read timeout."""

import os
import re
import runpy
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.sync.server import serve

from .nginx import spare_port

ROOT = Path(__file__).resolve().parents[2]


def test_the_image_runs_the_asgi_application_under_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert (
        'CMD ["gunicorn", "helpdesk.asgi:application", "--config", "deploy/gunicorn.conf.py"]'
        in dockerfile
    )


def test_gunicorn_uses_uvicorn_workers_that_leave_the_client_address_to_django():
    from uvicorn_worker import UvicornWorker

    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    worker = config["worker_class"]

    assert issubclass(worker, UvicornWorker)
    # uvicorn would otherwise take X-Forwarded-For's left-most entry, which any client writes.
    assert worker.CONFIG_KWARGS["proxy_headers"] is False


def live_location() -> str:
    template = (ROOT / "deploy" / "nginx" / "default.conf.template").read_text()
    found = re.search(r"location = /staff/live/ \{(?P<body>[^}]*)\}", template)
    assert found, "no location for /staff/live/"
    return found.group("body")


def test_nginx_keeps_the_live_socket_open_for_an_hour_unbuffered():
    body = live_location()

    assert "proxy_read_timeout 1h;" in body
    assert "proxy_buffering off;" in body
    assert "proxy_set_header Upgrade $http_upgrade;" in body


@pytest.fixture
def echo_upstream():
    """A WebSocket server standing in for Django: echoes, and keeps each request it saw."""
    seen = []

    def echo(connection):
        seen.append(connection.request)
        for message in connection:
            connection.send(message)

    port = spare_port()
    with serve(echo, "127.0.0.1", port) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"127.0.0.1:{port}", seen
        server.shutdown()


def test_nginx_passes_the_live_socket_on(start_nginx, echo_upstream):
    upstream, seen = echo_upstream
    nginx = start_nginx(tls_terminator="192.0.2.1", upstream=upstream)

    with connect(f"ws://127.0.0.1:{nginx.port}/staff/live/?ticket=42", open_timeout=5) as socket:
        socket.send('{"type": "ping"}')
        answer = socket.recv(timeout=5)

    assert answer == '{"type": "ping"}'
    request = seen[0]
    assert request.path == "/staff/live/?ticket=42"
    assert request.headers["X-Forwarded-For"] == "127.0.0.1"
    assert request.headers["X-Forwarded-Proto"] == "http"
    time.sleep(0.2)  # nginx writes the access line when the connection ends
    log = nginx.output.read_text()
    assert "/staff/live/" in log
    assert "ticket=42" not in log  # no query string in the log


@pytest.mark.postgres
def test_gunicorn_answers_pages_and_the_live_socket_from_one_worker(transactional_db, tmp_path):
    from django.db import connection

    db = connection.settings_dict
    port = spare_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "test-only-secret-key-that-is-long-enough-for-django-gunicorn",
        "SECURE_SSL_REDIRECT": "false",
        "HELPDESK_IGNORE_DOTENV": "1",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "VAR_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)  # the in-memory layer: nothing here needs Redis
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "helpdesk.asgi:application",
            "--config",
            "deploy/gunicorn.conf.py",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        import http.client

        deadline = time.monotonic() + 30
        while True:
            try:
                page = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                page.request("GET", "/healthz?probe=secret-word")
                status = page.getresponse().status
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)

        # A page loads; the live socket is spoken, and refused without a staff session.
        assert status == 200
        with pytest.raises(InvalidStatus) as refused:
            connect(
                f"ws://127.0.0.1:{port}/staff/live/",
                origin=f"http://127.0.0.1:{port}",
                open_timeout=5,
            )
        assert refused.value.response.status_code == 403
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        log.close()
    output = (tmp_path / "gunicorn.log").read_text()
    assert "HelpdeskUvicornWorker" in output
    assert "/healthz" in output
    assert "secret-word" not in output
