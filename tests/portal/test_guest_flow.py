"""A guest (wallet locked, can sign in nowhere) submits, follows and renews a link."""

import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from tests.portal.conftest import reference_in
from tickets import links
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_it_confirms_with_the_reference_and_a_private_link(submit):
    response = submit()

    html = response.content.decode()
    ticket = Ticket.objects.get()
    assert reference_in(html) == ticket.reference
    link = re.search(r'id="ticket-link">([^<]+)</p>', html).group(1)
    assert link.startswith(f"{settings.SITE_URL}/t/")  # SITE_URL, never the Host header
    assert ticket.requester.email == "guest@example.net"


def test_the_link_opens_the_ticket_in_another_browser(submit, client_factory):
    html = submit().content.decode()
    link = re.search(rf'data-copy="({re.escape(settings.SITE_URL)}/t/[^"]+)"', html).group(1)
    other_browser = client_factory()

    response = other_browser.get(link.removeprefix(settings.SITE_URL), follow=True)

    assert response.status_code == 200
    assert "Bayar QRIS gagal tapi saldo terpotong" in response.content.decode()


def test_it_explains_an_expired_link_and_offers_a_new_one(client, ticket):
    with time_machine.travel("2026-01-01 00:00 +0000"):
        token = links.make_token(ticket)

    with time_machine.travel("2026-02-15 00:00 +0000"):
        response = client.get(f"/t/{token}/")

    assert response.status_code == 410
    html = response.content.decode()
    assert "expired" in html
    assert 'action="/tickets/link/"' in html
    assert client.get(f"/tickets/{ticket.reference}/").status_code == 404


def test_it_explains_a_tampered_link(client, ticket):
    token = links.make_token(ticket)

    response = client.get(f"/t/{token[:-2]}xx/")

    assert response.status_code == 400
    assert "does not work" in response.content.decode()


def test_it_emails_a_fresh_link_for_a_matching_reference_and_email(
    client, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/tickets/link/",
            {"reference": ticket.reference.lower(), "email": ticket.requester.email.upper()},
        )

    assert response.status_code == 200
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [ticket.requester.email]
    assert ticket.reference in email.subject
    link = re.search(r"http://127\.0\.0\.1:8000(/t/\S+/)", email.body).group(1)
    assert client.get(link, follow=True).status_code == 200
    assert ticket.events.filter(kind="link_sent").count() == 1


def test_it_gives_the_same_answer_when_the_pair_does_not_match(
    client, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        matching = client.post(
            "/tickets/link/", {"reference": ticket.reference, "email": ticket.requester.email}
        )
        wrong_email = client.post(
            "/tickets/link/", {"reference": ticket.reference, "email": "other@example.com"}
        )
        unknown = client.post(
            "/tickets/link/", {"reference": "GP-ZZZZZZ", "email": "other@example.com"}
        )

    def answer(response):
        return re.search(
            r'<p class="lead" id="link-sent">(.*?)</p>', response.content.decode(), re.S
        ).group(1)

    assert answer(wrong_email).replace("other@example.com", "X") == answer(unknown).replace(
        "other@example.com", "X"
    )
    assert answer(matching).replace(ticket.requester.email, "X") == answer(unknown).replace(
        "other@example.com", "X"
    )
    assert len(mail.outbox) == 1


def test_it_limits_link_requests_from_one_address(
    client, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(12):
            response = client.post(
                "/tickets/link/", {"reference": ticket.reference, "email": ticket.requester.email}
            )

    assert response.status_code == 200  # the same answer, but nothing more is sent
    assert len(mail.outbox) == 10


def test_it_shows_the_form_again_with_errors_for_a_bad_link_request(client):
    response = client.post("/tickets/link/", {"reference": "", "email": "nope"})

    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
