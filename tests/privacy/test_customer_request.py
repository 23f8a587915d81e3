"""The customer asks for a copy or an erasure from "My requests": a ticket in account & security."""

import pytest
from django.urls import reverse

from tickets.models import Ticket

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    ("kind", "tag"), [("export", "privacy-export"), ("erasure", "privacy-erasure")]
)
def test_it_becomes_a_ticket_in_account_and_security(client, customer, kind, tag):
    client.force_login(customer)
    page = client.get(reverse("my-requests"))
    assert b"Your personal data" in page.content

    response = client.post(reverse("personal-data-request"), {"kind": kind})

    ticket = Ticket.objects.get(requester=customer.contact)
    assert response.status_code == 302
    assert ticket.reference in response.url
    assert ticket.queue.slug == "account-security"
    assert list(ticket.tags.values_list("name", flat=True)) == [tag]
    assert "Personal data" in ticket.subject


def test_a_second_press_the_same_day_is_the_same_ticket(client, customer):
    client.force_login(customer)

    client.post(reverse("personal-data-request"), {"kind": "export"})
    client.post(reverse("personal-data-request"), {"kind": "export"})

    assert Ticket.objects.filter(requester=customer.contact).count() == 1


def test_a_guest_is_asked_to_sign_in(client, db):
    response = client.post(reverse("personal-data-request"), {"kind": "export"})
    assert response.status_code == 302
    assert "login" in response.url


def test_an_unknown_kind_creates_nothing(client, customer):
    client.force_login(customer)

    client.post(reverse("personal-data-request"), {"kind": "delete"})

    assert not Ticket.objects.exists()
