"""nginx's own 413, 502 and 503 pages: committed as rendered from templates/nginx/ with the
translations, self-contained, and served by nginx in the language the browser asks for."""

import http.client
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from helpdesk.management.commands.render_nginx_pages import PAGES_DIR, render_pages

from .nginx import spare_port

LANGUAGES = ("id", "en", "zh-hans")


def committed(language: str, status: int) -> bytes:
    return (PAGES_DIR / language / f"{status}.html").read_bytes()


def test_the_committed_pages_are_a_fresh_rendering():
    pages = render_pages()
    on_disk = {path.relative_to(PAGES_DIR) for path in PAGES_DIR.rglob("*") if path.is_file()}

    assert on_disk == set(pages), "run: python manage.py render_nginx_pages"
    for path, html in pages.items():
        assert (PAGES_DIR / path).read_text(encoding="utf-8") == html, (
            f"{path} is out of date; run: python manage.py render_nginx_pages"
        )
    call_command("render_nginx_pages", check=True)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", [413, 502, 503])
def test_a_page_fetches_nothing(language, status):
    html = committed(language, status).decode()

    assert f'<html lang="{language}">' in html
    assert "<style>" in html
    assert re.findall(r"<link|@import|url\(|src=|https?://|//[a-z]", html) == []


def test_the_pages_are_translated():
    titles = {
        language: re.search(r"<h1>(.*)</h1>", committed(language, 413).decode()).group(1)
        for language in LANGUAGES
    }

    assert titles == {
        "id": "Lampiran terlalu besar",
        "en": "The attachments are too large",
        "zh-hans": "附件过大",
    }


def test_it_answers_a_request_over_the_body_limit_with_the_styled_page(start_nginx):
    nginx = start_nginx(tls_terminator="127.0.0.1", upstream=f"127.0.0.1:{spare_port()}")
    connection = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=30)

    # Only the headers: nginx refuses by Content-Length before reading the body.
    connection.putrequest("POST", "/tickets/new/payments/")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(60 * 1024 * 1024))
    connection.putheader("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()

    assert response.status == 413
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Language"] == "zh-hans"
    assert body == committed("zh-hans", 413)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_it_answers_502_with_the_styled_page_when_django_is_down(start_nginx, method):
    nobody_listens = f"127.0.0.1:{spare_port()}"
    nginx = start_nginx(tls_terminator="127.0.0.1", upstream=nobody_listens)

    response, body = nginx.request(
        method, "/tickets/new/", headers={"Accept-Language": "en-GB,en;q=0.9"}, body=b"a=1"
    )

    assert response.status == 502
    assert response.headers["Cache-Control"] == "no-store"
    assert body == committed("en", 502)


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [
        (None, "id"),
        ("id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7", "id"),
        ("en-US,en;q=0.9", "en"),
        ("EN", "en"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("zh-TW", "zh-hans"),
        # The first language the site has, after those it has not.
        ("fr-FR,fr;q=0.9,en;q=0.8,id;q=0.7", "en"),
        ("ja, zh;q=0.5", "zh-hans"),
        ("de-DE", "id"),
        # Not English: a language whose code only starts with "en" (or "id").
        ("enm, ida", "id"),
    ],
)
def test_it_picks_the_page_language_from_accept_language(start_nginx, accept_language, language):
    nginx = start_nginx(tls_terminator="127.0.0.1", upstream=f"127.0.0.1:{spare_port()}")
    headers = {"Accept-Language": accept_language} if accept_language else {}

    response, body = nginx.request("GET", "/", headers=headers)

    assert response.headers["Content-Language"] == language
    assert body == committed(language, 502)


class _DjangoSays503(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"the database is restarting"
        self.send_response(503)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_it_passes_django_own_error_pages_through(start_nginx):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _DjangoSays503)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        nginx = start_nginx(
            tls_terminator="127.0.0.1", upstream=f"127.0.0.1:{server.server_address[1]}"
        )
        response, body = nginx.request("GET", "/")
    finally:
        server.shutdown()
        server.server_close()

    assert response.status == 503
    assert body == b"the database is restarting"
