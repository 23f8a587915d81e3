import re

import pytest

from tests.factories import ContactFactory
from tickets import services
from tickets.models import Category, Message, Queue, Ticket, TicketEvent
from tickets.models.tickets import REFERENCE_ALPHABET

REFERENCE = re.compile(rf"^GP-[{REFERENCE_ALPHABET}]{{6}}$")


@pytest.fixture
def requester(db):
    return ContactFactory(language="id")


def _create(requester, **overrides):
    fields = {
        "requester": requester,
        "category": "refund",
        "subject": "Refund belum masuk",
        "body": "Pesanan dibatalkan, dana belum kembali.",
        "details": {"transaction_reference": "TRX-20261118-FD55XK", "amount": "129000"},
    }
    return services.create_ticket(**(fields | overrides))


def test_it_routes_by_category_to_its_queue_and_priority(requester):
    ticket = _create(requester, category="suspicious_transaction")

    assert ticket.queue.slug == "account-security"
    assert ticket.priority == Ticket.Priority.URGENT
    assert ticket.status == Ticket.Status.NEW
    assert ticket.language == "id"


def test_it_follows_an_admins_routing_change(requester):
    Category.objects.filter(code="refund").update(
        queue=Queue.objects.get(slug="general"), default_priority=Ticket.Priority.HIGH
    )

    ticket = _create(requester)

    assert (ticket.queue.slug, ticket.priority) == ("general", Ticket.Priority.HIGH)


def test_it_saves_the_first_message_and_one_created_event(requester):
    ticket = _create(requester)

    message = ticket.messages.get()
    assert message.author_type == Message.Author.CUSTOMER
    assert message.author_contact == requester
    assert message.body == "Pesanan dibatalkan, dana belum kembali."
    assert list(ticket.events.values_list("kind", flat=True)) == [TicketEvent.Kind.CREATED]
    assert ticket.transaction_reference == "TRX-20261118-FD55XK"


def test_it_gives_short_unambiguous_random_references(requester):
    references = {_create(requester).reference for _ in range(20)}

    assert len(references) == 20
    assert all(REFERENCE.match(reference) for reference in references)


def test_it_retries_a_reference_that_is_already_taken(requester, monkeypatch):
    taken = _create(requester).reference
    candidates = iter([taken, taken, "GP-ABCDEF"])
    monkeypatch.setattr(services, "generate_reference", lambda: next(candidates))

    ticket = _create(requester)

    assert ticket.reference == "GP-ABCDEF"
    assert Ticket.objects.count() == 2


def test_it_returns_the_first_ticket_for_a_repeated_idempotency_key(requester):
    first = _create(requester, idempotency_key="form-token-1")

    again = _create(requester, idempotency_key="form-token-1", subject="Different subject")

    assert again.pk == first.pk
    assert Ticket.objects.count() == 1


def test_it_finds_contacts_whatever_the_case_of_the_email(db):
    first = services.get_or_create_contact(email="Andi@Example.NET", name="Andi")

    again = services.get_or_create_contact(email="andi@example.net", phone="+62812")

    assert again.pk == first.pk
    assert (again.email, again.name, again.phone) == ("andi@example.net", "Andi", "+62812")
