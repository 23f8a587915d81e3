"""Emailed links come from SITE_URL, a link request tells nothing by its timing, `next` never
leads off the site, staff sessions end after hours of idleness."""

import time

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import TicketFactory, UserFactory
from tickets import tasks

pytestmark = pytest.mark.django_db


def test_a_password_reset_link_is_built_from_site_url_not_the_host_header(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://help.example.com"
    user = UserFactory(email="siti@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/password/reset/", {"email": user.email}, HTTP_HOST="phishing.example"
        )

    (email,) = mail.outbox
    assert "https://help.example.com/accounts/password/reset/" in email.body
    assert "phishing.example" not in email.body


def test_a_link_request_does_the_same_work_whether_or_not_the_pair_matches(client, monkeypatch):
    ticket = TicketFactory()
    sent = []
    monkeypatch.setattr(tasks.send_access_link_task, "delay", lambda *args: sent.append(args))

    def ask(reference: str, email: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/tickets/link/", {"reference": reference, "email": email})
        return response.status_code, len(queries)

    client.get("/tickets/link/")  # what a process reads once (the brand) is read before
    matching = ask(ticket.reference, ticket.requester.email)
    other = ask(ticket.reference, "someone.else@example.com")
    unknown = ask("GP-ZZZZZZ", "someone.else@example.com")

    assert matching == other == unknown
    assert [args[0] for args in sent] == [ticket.reference, ticket.reference, "GP-ZZZZZZ"]


def test_the_task_sends_the_link_only_to_the_requester_of_the_reference():
    ticket = TicketFactory()

    assert tasks.send_access_link_task(ticket.reference, ticket.requester.email.upper())
    assert not tasks.send_access_link_task(ticket.reference, "someone.else@example.com")
    assert ticket.events.filter(kind="link_sent").count() == 1


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/staff/availability/", {"available": "0", "tickets": "keep"}),
        ("/staff/queue/bulk/", {"action": "tag", "value": "x"}),
    ],
)
@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_never_leads_off_the_site(client, agent, url, data, target):
    client.force_login(agent)

    response = client.post(url, {**data, "next": target})

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/")


def test_next_within_the_site_is_followed(client, agent):
    client.force_login(agent)

    response = client.post("/staff/availability/", {"available": "1", "next": "/staff/queue/"})

    assert response["Location"] == "/staff/queue/"


def test_staff_are_signed_out_after_hours_without_activity(client, agent, settings):
    settings.STAFF_IDLE_TIMEOUT_HOURS = 8
    client.force_login(agent)
    assert client.get("/staff/").status_code == 200
    session = client.session
    session["staff_last_seen"] = time.time() - 9 * 3600
    session.save()

    response = client.get("/staff/queue/")

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    assert client.get("/staff/").status_code == 302  # really signed out


def test_an_active_agent_stays_signed_in(client, agent):
    client.force_login(agent)
    client.get("/staff/")
    session = client.session
    session["staff_last_seen"] = time.time() - 7 * 3600
    session.save()

    assert client.get("/staff/").status_code == 200


def test_customers_keep_their_longer_sessions(client, customer):
    client.force_login(customer)
    session = client.session
    session["staff_last_seen"] = time.time() - 30 * 3600
    session.save()

    assert client.get("/requests/").status_code == 200
