"""Debian's nginx for the proxy tests: `make test` installs it when missing; without it the tests
that run nginx are skipped with the reason, or fail under CI=true."""

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from tests.conftest import CI

from .nginx import NGINX, Nginx, nginx_missing


@pytest.fixture
def nginx_installed() -> None:
    if nginx_missing():
        reason = f"needs nginx at {NGINX} (make test installs Debian's nginx package)"
        if CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def start_nginx(nginx_installed, tmp_path):
    """start_nginx(tls_terminator=..., upstream="127.0.0.1:port") -> a running Nginx."""
    started = []

    def start(*, tls_terminator: str, upstream: str) -> Nginx:
        nginx = Nginx(
            tmp_path / f"nginx-{len(started)}", tls_terminator=tls_terminator, upstream=upstream
        )
        started.append(nginx)
        return nginx

    yield start
    for nginx in started:
        nginx.stop()


@pytest.fixture
def https_django(transactional_db, settings):
    """The site as production runs it behind nginx: https required, nginx on 127.0.0.1 trusted.
    A server of its own (not the session's live_server): SecurityMiddleware reads
    SECURE_SSL_REDIRECT once, when the server's handler is made."""
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    # An in-memory SQLite test database (make test without PostgreSQL) is shared with the
    # server's thread, as LiveServerTestCase does; the thread opens its own to PostgreSQL.
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()
    server = LiveServerThread("127.0.0.1", _StaticFilesHandler, connections_override=shared)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    try:
        if server.error:
            raise server.error
        yield f"127.0.0.1:{server.port}"
    finally:
        server.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()
