from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests import files
from tickets.attachments import clean_uploads
from tickets.models import Message, Ticket, TicketEvent
from tickets.services import (
    Actor,
    ServiceError,
    add_agent_message,
    add_customer_message,
    change_status,
    create_ticket,
    rate_ticket,
    redactions_of,
)


def _resolve(ticket, agent, when=None):
    change_status(ticket=ticket, status="resolved", by=Actor.agent(agent))
    if when:
        Ticket.objects.filter(pk=ticket.pk).update(resolved_at=when)
    ticket.refresh_from_db()
    return ticket


def test_it_reopens_a_ticket_waiting_on_the_customer(ticket, customer, agent):
    add_agent_message(ticket=ticket, agent=agent, body="Which bank?", set_status="pending_customer")

    add_customer_message(ticket=ticket, contact=customer.contact, body="BCA")

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_it_reopens_a_resolved_ticket_within_the_window(ticket, customer, agent, settings):
    settings.REOPEN_WINDOW_DAYS = 7
    _resolve(ticket, agent, when=timezone.now() - timedelta(days=6))

    message = add_customer_message(ticket=ticket, contact=customer.contact, body="Not fixed")

    ticket.refresh_from_db()
    assert message.ticket == ticket
    assert (ticket.status, ticket.reopen_count) == (Ticket.Status.OPEN, 1)


def test_it_starts_a_linked_ticket_after_the_window(ticket, customer, agent, settings):
    settings.REOPEN_WINDOW_DAYS = 7
    _resolve(ticket, agent, when=timezone.now() - timedelta(days=8))

    message = add_customer_message(ticket=ticket, contact=customer.contact, body="Again!")

    assert message.ticket != ticket
    assert message.ticket.follow_up_of == ticket
    assert message.ticket.subject == ticket.subject
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED


def test_it_redacts_a_reply_and_records_the_kinds(ticket, customer):
    message = add_customer_message(
        ticket=ticket, contact=customer.contact, body="OTP 123456 and card 4111111111111111"
    )

    assert "123456" not in message.body
    assert "4111111111111111" not in message.body
    assert redactions_of(ticket) == ["card", "otp"]
    event = ticket.events.filter(kind=TicketEvent.Kind.REDACTED, new_value="otp").get()
    assert event.data == {"kind": "otp", "count": 1, "fields": ["body"]}


def test_it_keeps_attachments_with_the_message(ticket, customer):
    message = add_customer_message(
        ticket=ticket,
        contact=customer.contact,
        body="Receipt attached",
        attachments=clean_uploads([files.pdf(), files.png()]),
    )

    assert sorted(a.content_type for a in message.attachments.all()) == [
        "application/pdf",
        "image/png",
    ]
    assert message.attachments.first().ticket == ticket


def test_it_rates_a_resolution_once(ticket, customer, agent):
    _resolve(ticket, agent)

    rate_ticket(ticket=ticket, contact=customer.contact, score=5, comment="Quick, thanks")

    with pytest.raises(ServiceError, match="already rated"):
        rate_ticket(ticket=ticket, contact=customer.contact, score=1)
    assert ticket.events.filter(kind="csat").count() == 1


def test_it_allows_a_new_rating_after_a_reopen_and_second_resolution(ticket, customer, agent):
    _resolve(ticket, agent)
    rate_ticket(ticket=ticket, contact=customer.contact, score=2)
    add_customer_message(ticket=ticket, contact=customer.contact, body="Still broken")
    ticket.refresh_from_db()
    _resolve(ticket, agent)

    rate_ticket(ticket=ticket, contact=customer.contact, score=5)

    assert sorted(ticket.ratings.values_list("cycle", "score")) == [(0, 2), (1, 5)]


def test_it_refuses_to_rate_an_open_ticket_or_a_score_out_of_range(ticket, customer, agent):
    with pytest.raises(ServiceError, match="resolved"):
        rate_ticket(ticket=ticket, contact=customer.contact, score=4)
    _resolve(ticket, agent)
    with pytest.raises(ServiceError, match="1 to 5"):
        rate_ticket(ticket=ticket, contact=customer.contact, score=6)


def test_it_redacts_every_field_of_a_new_ticket(customer):
    with time_machine.travel(timezone.now(), tick=False):
        ticket = create_ticket(
            requester=customer.contact,
            category="payment_failed",
            subject="Card 4111 1111 1111 1111 declined",
            body="My PIN is 2580",
            details={"merchant": "Toko", "card_last4": "1111", "notes": "cvv 123"},
        )

    assert "4111 1111 1111" not in ticket.subject
    assert ticket.messages.get().body == "My PIN is [redacted]"
    assert ticket.details["notes"] == "cvv [redacted]"
    kinds = {e.new_value: e.data["fields"] for e in ticket.events.filter(kind="redacted")}
    assert kinds == {"card": ["subject"], "pin": ["body"], "cvv": ["details"]}
    assert Message.objects.filter(body__contains="2580").count() == 0
