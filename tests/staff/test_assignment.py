"""Claiming under concurrency, and automatic assignment per queue."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from django.utils import translation

from tests.factories import ContactFactory, TicketFactory, UserFactory
from tickets import assignment, services
from tickets.models import Queue, QueueMembership, Ticket
from tickets.services import ServiceError


def _agent(queue, name, *, available=True):
    user = UserFactory(name=name, is_available=available)
    user.groups.add(Group.objects.get(name="agent"))
    QueueMembership.objects.create(queue=queue, user=user)
    return user


def _new_ticket(queue_slug="payments"):
    return services.create_ticket(
        requester=ContactFactory(), category="payment_failed", subject="QRIS failed", body="help"
    )


@pytest.fixture
def round_robin(payments):
    Queue.objects.filter(pk=payments.pk).update(assignment=Queue.Assignment.ROUND_ROBIN)
    return payments


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_claiming_at_once_exactly_one_wins(payments):
    ticket = TicketFactory(queue=payments)
    first, second = _agent(payments, "A"), _agent(payments, "B")
    start = threading.Barrier(2)
    outcomes = {}

    def take(agent):
        # A thread starts in the site's default language (id), not the test's.
        with translation.override("en"):
            try:
                start.wait()
                assignment.claim(ticket=ticket, agent=agent)
                outcomes[agent.name] = "won"
            except ServiceError as error:
                outcomes[agent.name] = str(error)
            finally:
                connections.close_all()

    threads = [threading.Thread(target=take, args=(agent,)) for agent in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert list(outcomes.values()).count("won") == 1
    loser = next(v for v in outcomes.values() if v != "won")
    assert "just taken by" in loser
    ticket.refresh_from_db()
    assert ticket.events.filter(kind="assignee").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("strategy", [Queue.Assignment.ROUND_ROBIN, Queue.Assignment.LEAST_OPEN])
def test_creations_at_once_share_the_tickets_out_evenly(payments, strategy):
    """Eight customers file at the same moment in a queue of four available agents: the queue's
    row lock makes each creation pick after the one before, so each agent gets two."""
    payments.assignment = strategy
    payments.save()  # as the admin does: every process reads the topics' queues again
    agents = [_agent(payments, name) for name in ("A", "B", "C", "D")]
    contacts = [ContactFactory() for _ in range(8)]
    start = threading.Barrier(len(contacts))
    errors = []

    def create(contact):
        try:
            start.wait()
            services.create_ticket(
                requester=contact, category="payment_failed", subject="QRIS", body="gagal"
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(contact,)) for contact in contacts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    counts = sorted(Ticket.objects.filter(assignee__in=agents).values_list("assignee", flat=True))
    assert [counts.count(agent.pk) for agent in agents] == [2, 2, 2, 2]


@pytest.mark.django_db
def test_round_robin_takes_turns_among_available_members(round_robin):
    budi, mei = _agent(round_robin, "Budi"), _agent(round_robin, "Mei")
    _agent(round_robin, "Away", available=False)

    owners = [_new_ticket().assignee.name for _ in range(4)]

    assert owners in (["Budi", "Mei", "Budi", "Mei"], ["Mei", "Budi", "Mei", "Budi"])
    assert {budi.name, mei.name} == set(owners)


@pytest.mark.django_db
def test_least_open_gives_the_ticket_to_whoever_has_fewest(payments):
    Queue.objects.filter(pk=payments.pk).update(assignment=Queue.Assignment.LEAST_OPEN)
    busy, free = _agent(payments, "Busy"), _agent(payments, "Free")
    for _ in range(3):
        TicketFactory(queue=payments, assignee=busy)
    TicketFactory(queue=payments, assignee=free, status="closed")

    assert _new_ticket().assignee == free


@pytest.mark.django_db
def test_manual_queues_leave_new_tickets_unassigned(payments):
    Queue.objects.filter(pk=payments.pk).update(assignment=Queue.Assignment.MANUAL)
    _agent(payments, "Budi")

    assert _new_ticket().assignee is None


@pytest.mark.django_db
def test_nobody_available_leaves_the_ticket_unassigned(round_robin):
    _agent(round_robin, "Away", available=False)

    ticket = _new_ticket()

    assert ticket.assignee is None
    assert not ticket.events.filter(kind="assignee").exists()


@pytest.mark.django_db
def test_going_away_hands_open_tickets_to_an_available_colleague(round_robin):
    leaving, staying = _agent(round_robin, "Leaving"), _agent(round_robin, "Staying")
    mine = [TicketFactory(queue=round_robin, assignee=leaving) for _ in range(2)]
    solved = TicketFactory(queue=round_robin, assignee=leaving, status="resolved")

    handover = assignment.go_away(agent=leaving, tickets="reassign")

    assert len(handover.moves) == 2
    for ticket in mine:
        ticket.refresh_from_db()
        assert ticket.assignee == staying
    solved.refresh_from_db()
    assert solved.assignee == leaving
    leaving.refresh_from_db()
    assert not leaving.is_available


@pytest.mark.django_db
def test_the_availability_switch_in_the_workspace(client, agent, payments):
    client.force_login(agent)

    client.post("/staff/availability/", {"available": "0", "tickets": "keep"})

    agent.refresh_from_db()
    assert not agent.is_available
    assert Ticket.objects.count() == 0
