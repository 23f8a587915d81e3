import pytest

from tests.factories import TicketFactory
from tickets.models import Category, Queue, Ticket, TicketEvent
from tickets.services import (
    Actor,
    ServiceError,
    change_category,
    change_priority,
    change_status,
    move_to_queue,
)


def test_it_changes_priority_with_one_event(ticket, agent):
    change_priority(ticket=ticket, priority=Ticket.Priority.URGENT, by=Actor.agent(agent))

    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.URGENT
    event = ticket.events.get()
    assert (event.kind, event.old_value, event.new_value) == ("priority", "high", "urgent")


def test_it_writes_nothing_when_the_value_does_not_change(ticket, agent):
    change_priority(ticket=ticket, priority=ticket.priority, by=Actor.agent(agent))

    assert not ticket.events.exists()


def test_it_changes_category_without_moving_the_ticket(ticket, agent):
    change_category(
        ticket=ticket, category=Category.objects.get(code="refund"), by=Actor.agent(agent)
    )

    ticket.refresh_from_db()
    assert (ticket.category_id, ticket.queue.slug) == ("refund", "payments")
    assert ticket.events.get().kind == TicketEvent.Kind.CATEGORY


def test_it_moves_a_ticket_and_lets_go_of_an_assignee_who_is_not_in_the_new_queue(
    ticket, agent, refunds
):
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)

    move_to_queue(ticket=ticket, queue=refunds, by=Actor.agent(agent))

    ticket.refresh_from_db()
    assert (ticket.queue, ticket.assignee) == (refunds, None)
    assert list(ticket.events.values_list("kind", "old_value", "new_value")) == [
        ("queue", "payments", "refunds"),
        ("assignee", agent.email, ""),
    ]


def test_it_keeps_an_assignee_who_is_a_member_of_the_new_queue(ticket, agent, refunds):
    refunds.memberships.create(user=agent)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)

    move_to_queue(ticket=ticket, queue=refunds, by=Actor.agent(agent))

    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_it_refuses_to_change_a_closed_ticket(ticket, agent):
    by = Actor.agent(agent)
    change_status(ticket=ticket, status="resolved", by=by)
    change_status(ticket=ticket, status="closed", by=by)

    with pytest.raises(ServiceError, match="closed"):
        move_to_queue(ticket=ticket, queue=Queue.objects.get(slug="general"), by=by)


def test_it_refuses_to_change_the_priority_of_a_merged_ticket(ticket, agent, customer, payments):
    from tickets.services import merge_tickets

    target = TicketFactory(requester=customer.contact, queue=payments)
    merge_tickets(source=ticket, target=target, by=Actor.agent(agent))

    with pytest.raises(ServiceError):
        change_priority(ticket=ticket, priority=1, by=Actor.agent(agent))
