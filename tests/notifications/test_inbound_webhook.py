"""POST /inbound/email/: one raw RFC 822 message from a mail provider, authenticated by a shared
secret; errors are problem JSON (RFC 9457)."""

import base64
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from notifications import inbound
from tickets.models import InboundEmail, Ticket

pytestmark = pytest.mark.django_db

SECRET = "a-long-shared-secret-for-the-webhook"
URL = "/inbound/email/"
EMAIL = (Path(__file__).parent / "inbound" / "new_ticket_en.eml").read_bytes()


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.INBOUND_EMAIL_SECRET = SECRET
    cache.clear()  # rate-limit counters


def _post(client, body=EMAIL, *, auth=f"Bearer {SECRET}", content_type="message/rfc822", **extra):
    headers = {"HTTP_AUTHORIZATION": auth} if auth else {}
    return client.post(URL, body, content_type=content_type, **headers, **extra)


def _problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert set(problem) == {"type", "title", "status", "detail"}
    assert problem["status"] == status
    return problem


def test_it_opens_a_ticket_from_a_raw_email(client):
    response = _post(client)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "created"
    ticket = Ticket.objects.get(reference=body["ticket"])
    assert ticket.channel == Ticket.Channel.EMAIL
    assert InboundEmail.objects.get().source == InboundEmail.Source.WEBHOOK


def test_it_accepts_the_secret_as_a_basic_auth_password(client):
    credentials = base64.b64encode(f"inbound:{SECRET}".encode()).decode()

    assert _post(client, auth=f"Basic {credentials}").status_code == 201


def test_it_needs_no_csrf_token():
    response = _post(Client(enforce_csrf_checks=True))

    assert response.status_code == 201


def test_it_answers_a_duplicate_delivery_with_200_and_stores_it_once(client):
    first = _post(client)
    second = _post(client)

    assert second.status_code == 200
    assert second.json()["status"] == "duplicate"
    assert second.json()["ticket"] == first.json()["ticket"]
    assert Ticket.objects.count() == 1


def test_it_routes_by_the_envelope_recipient_it_is_given(client):
    response = _post(client, QUERY_STRING="recipient=security%40helpdesk.localhost")

    ticket = Ticket.objects.get(reference=response.json()["ticket"])
    assert ticket.category_id == "account_access"


def test_it_answers_202_for_a_quarantined_email(client):
    response = _post(client, b"Subject: no sender\n\nhello\n")

    assert response.status_code == 202
    assert response.json()["status"] == "quarantined"


@pytest.mark.parametrize(
    "auth",
    [None, "Bearer wrong-secret-of-the-right-length!!", "Basic bm90OmJhc2U2NA==", "Basic !!!"],
)
def test_it_refuses_a_request_without_the_secret(client, auth):
    problem = _problem(_post(client, auth=auth), 401)

    assert problem["title"] == "Unauthorized"
    assert InboundEmail.objects.count() == 0


def test_it_names_the_accepted_schemes_when_refusing(client):
    response = _post(client, auth=None)

    assert "Bearer" in response["WWW-Authenticate"]
    assert "Basic" in response["WWW-Authenticate"]


def test_it_is_off_without_a_secret(client, settings):
    settings.INBOUND_EMAIL_SECRET = ""

    problem = _problem(_post(client), 404)

    assert "INBOUND_EMAIL_SECRET" in problem["detail"]


def test_it_takes_only_posts(client):
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {SECRET}")

    _problem(response, 405)
    assert response["Allow"] == "POST"


def test_it_takes_only_a_raw_message(client):
    _problem(_post(client, b'{"email": "..."}', content_type="application/json"), 415)


def test_it_refuses_an_empty_body(client):
    _problem(_post(client, b"  \r\n"), 400)


def test_it_refuses_a_message_over_the_size_limit(client, settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 1024

    problem = _problem(_post(client, EMAIL + b"x" * 2000), 413)

    assert "1024 bytes" in problem["detail"]
    assert InboundEmail.objects.count() == 0


def test_it_limits_the_rate_per_address(client, settings):
    settings.INBOUND_EMAIL_RATE_LIMIT = "2/m"

    statuses = [_post(client, auth=None).status_code for _ in range(3)]

    assert statuses == [401, 401, 429]
    _problem(_post(client), 429)


def test_it_asks_to_retry_later_when_the_database_is_down(client, monkeypatch):
    def unavailable(*args, **kwargs):
        raise inbound.TemporaryFailure("could not connect to server")

    monkeypatch.setattr(inbound, "ingest", unavailable)

    response = _post(client)

    _problem(response, 503)
    assert response["Retry-After"] == "60"
