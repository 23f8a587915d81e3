import pytest

from tests.factories import TicketFactory
from tickets.models import Message, Tag, Ticket
from tickets.services import Actor, ServiceError, merge_tickets


@pytest.fixture
def duplicate(customer, payments):
    dup = TicketFactory(requester=customer.contact, queue=payments, first_message="Same again")
    dup.tags.add(Tag.objects.create(name="qris"))
    return dup


def test_it_moves_messages_and_closes_the_duplicate_with_a_link(ticket, duplicate, agent):
    merge_tickets(source=duplicate, target=ticket, by=Actor.agent(agent))

    duplicate.refresh_from_db()
    assert duplicate.status == Ticket.Status.CLOSED
    assert duplicate.merged_into == ticket
    assert ticket.messages.filter(body="Same again").exists()
    assert list(ticket.tags.values_list("name", flat=True)) == ["qris"]


def test_it_tells_the_customer_on_both_threads(ticket, duplicate, agent):
    merge_tickets(source=duplicate, target=ticket, by=Actor.agent(agent))

    notice_on_duplicate = duplicate.messages.get()
    assert notice_on_duplicate.kind == Message.Kind.PUBLIC
    assert ticket.reference in notice_on_duplicate.body
    assert ticket.messages.filter(
        author_type=Message.Author.SYSTEM, body__contains=duplicate.reference
    ).exists()


def test_it_writes_an_audit_event_on_both_tickets(ticket, duplicate, agent):
    merge_tickets(source=duplicate, target=ticket, by=Actor.agent(agent))

    merged = duplicate.events.get()
    assert (merged.kind, merged.data["into"]) == ("merged", ticket.reference)
    merged_from = ticket.events.get()
    assert (merged_from.kind, merged_from.data) == (
        "merged_from",
        {"from": duplicate.reference, "messages": 1},
    )


def test_it_refuses_to_merge_tickets_of_different_customers(ticket, agent, other_customer):
    stranger = TicketFactory(requester=other_customer.contact, queue=ticket.queue)

    with pytest.raises(ServiceError, match="same customer"):
        merge_tickets(source=stranger, target=ticket, by=Actor.agent(agent))

    assert stranger.messages.count() == 1
    assert not ticket.events.exists()


def test_it_refuses_to_merge_a_ticket_into_itself_or_into_a_closed_one(ticket, duplicate, agent):
    by = Actor.agent(agent)
    with pytest.raises(ServiceError):
        merge_tickets(source=ticket, target=ticket, by=by)
    merge_tickets(source=duplicate, target=ticket, by=by)

    with pytest.raises(ServiceError, match="closed"):
        merge_tickets(source=ticket, target=duplicate, by=by)
