"""What only PostgreSQL gives us, tested on PostgreSQL itself."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from tests.factories import ContactFactory, TicketFactory
from tickets.models import Contact, Ticket
from tickets.services import Actor, IllegalTransition, change_status

pytestmark = pytest.mark.postgres


@pytest.mark.django_db
def test_it_refuses_a_second_contact_whose_email_differs_only_in_case():
    ContactFactory(email="budi@example.com")

    # Bypass save()'s normalisation: the database's functional unique index is the real guard.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tickets_contact (email, phone, name, language, created_at) "
            "VALUES ('BUDI@Example.com', '', '', 'id', now())"
        )
    assert Contact.objects.count() == 1


@pytest.mark.django_db
def test_it_serves_a_queues_open_tickets_from_the_partial_index(payments):
    TicketFactory.create_batch(3, queue=payments)
    with connection.cursor() as cursor:
        # Three rows: left to itself the planner may sort them (statistics other tests left
        # decide); the question is whether the index can serve the order, so sorting is off.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM tickets_ticket WHERE queue_id = %s "
            "AND status IN ('new', 'open', 'pending_customer', 'on_hold') "
            "ORDER BY priority DESC, created_at",
            [payments.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "ticket_open_queue_priority" in plan


@pytest.mark.django_db
def test_it_rejects_a_merged_ticket_that_is_not_closed_at_the_database(ticket, payments):
    target = TicketFactory(queue=payments)

    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(merged_into=target)


@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_agents_resolving_at_once_win(ticket, agent):
    """Without the row lock both would read "open" and both would write an event."""
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.OPEN)
    start = threading.Barrier(2)
    outcomes = []

    def resolve() -> None:
        try:
            start.wait()
            change_status(ticket=ticket, status="resolved", by=Actor.agent(agent))
            outcomes.append("won")
        except IllegalTransition:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=resolve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "won"]
    assert ticket.events.filter(kind="status").count() == 1
