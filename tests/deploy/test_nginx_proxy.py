"""nginx in front of Django believes X-Forwarded-Proto from the TLS terminator only: behind it,
https is not redirected again (no loop), and nobody else can claim https."""

import re

import pytest

from .nginx import check, spare_port, write_config
from .test_compose_and_env import compose

# The tests' client connects from 127.0.0.1: with this as TLS_TERMINATOR it is the terminator.
TERMINATOR = "127.0.0.1"
# TEST-NET-1 (RFC 5737): no connection comes from there.
ELSEWHERE = "192.0.2.1"


def compose_default_tls_terminator() -> str:
    value = compose()["services"]["proxy"]["environment"]["TLS_TERMINATOR"]
    default = re.fullmatch(r"\$\{TLS_TERMINATOR:-([^}]+)\}", value)
    assert default, value
    return default.group(1)


@pytest.mark.parametrize(
    "tls_terminator",
    [compose_default_tls_terminator(), "10.0.0.5", "172.16.0.0/12", "fd00::/8"],
)
def test_it_renders_a_config_nginx_accepts(nginx_installed, tmp_path, tls_terminator):
    config = write_config(
        tmp_path, tls_terminator=tls_terminator, upstream="127.0.0.1:9", port=8080
    )

    result = check(config)

    assert result.returncode == 0, result.stderr


def test_it_passes_on_https_from_the_tls_terminator(start_nginx, https_django):
    nginx = start_nginx(tls_terminator=TERMINATOR, upstream=https_django)

    response, _ = nginx.request("GET", "/", headers={"X-Forwarded-Proto": "https"})

    assert response.status == 200


def test_it_redirects_plain_http_to_https_once(start_nginx, https_django):
    nginx = start_nginx(tls_terminator=TERMINATOR, upstream=https_django)

    first, _ = nginx.request("GET", "/?q=1")
    # The browser follows it to the terminator, which comes back saying https.
    second, _ = nginx.request("GET", "/?q=1", headers={"X-Forwarded-Proto": "https"})

    assert first.status == 301
    assert first.headers["Location"] == f"https://127.0.0.1:{nginx.port}/?q=1"
    assert second.status == 200


@pytest.mark.parametrize("claimed", ["https", "HTTPS", "https, https"])
def test_it_does_not_believe_https_from_anyone_else(start_nginx, https_django, claimed):
    nginx = start_nginx(tls_terminator=ELSEWHERE, upstream=https_django)

    response, _ = nginx.request("GET", "/", headers={"X-Forwarded-Proto": claimed})

    assert response.status == 301
    assert response.headers["Location"].startswith("https://")


@pytest.mark.parametrize("claimed", ["ftp", "https, http", "http"])
def test_it_passes_on_nothing_but_http_or_https_even_from_the_terminator(
    start_nginx, https_django, claimed
):
    nginx = start_nginx(tls_terminator=TERMINATOR, upstream=https_django)

    response, _ = nginx.request("GET", "/", headers={"X-Forwarded-Proto": claimed})

    assert response.status == 301


def test_its_logs_hold_no_token_and_no_query_string(start_nginx):
    nginx = start_nginx(tls_terminator=TERMINATOR, upstream=f"127.0.0.1:{spare_port()}")

    nginx.request("GET", "/t/guest-link-token-abc123/reply/")
    nginx.request("GET", "/help/search/?q=kartu+4111111111111111")
    log = nginx.output.read_text()

    # nginx escapes "…" in its log as \xE2\x80\xA6. The error log, on the same output, writes
    # no "connect() failed ... request: ..." line, which would quote the request whole.
    assert '"GET /t/\\xE2\\x80\\xA6/reply/ HTTP/1.1" 502' in log
    assert '"GET /help/search/ HTTP/1.1" 502' in log
    assert "guest-link-token" not in log
    assert "4111" not in log
    assert "[error]" not in log
