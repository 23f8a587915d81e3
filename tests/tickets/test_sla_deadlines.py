"""The data the staff queue, ticket page and API read: each running deadline with its colour,
the next due time kept on the ticket, "sort by next due" and "breaching soon"."""

import json
from datetime import datetime, timedelta

import pytest
from django.db import connection, transaction

from sla.deadlines import describe, running_deadlines, worst_colour
from sla.sweep import sweep
from tests.factories import ContactFactory, make_sla_policy
from tests.tickets.conftest import JAKARTA
from tickets import services
from tickets.models import Ticket
from tickets.services import Actor


def jakarta(*args) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)


@pytest.fixture
def policy(db):
    """24/7: first response 60 min (amber from 45), resolution 240 min (amber from 180)."""
    return make_sla_policy(
        name="Quick", targets={"first_response": 60, "resolution": 240}, warn_at_percent=75
    )


def _file(**kwargs) -> Ticket:
    return services.create_ticket(
        requester=ContactFactory(),
        category="payment_failed",
        subject="Top-up not received",
        body="BRI virtual account top-up is missing.",
        **kwargs,
    )


def _due(ticket: Ticket):
    ticket.refresh_from_db()
    return ticket.sla_due_at


def test_it_keeps_the_next_due_time_on_the_ticket(policy, agent, frozen_time):
    ticket = _file()
    assert _due(ticket) == jakarta(2026, 11, 16, 10)

    services.add_agent_message(
        ticket=ticket, agent=agent, body="Which bank?", set_status="pending_customer"
    )
    assert _due(ticket) is None  # resolution paused, first response met

    frozen_time.move_to(jakarta(2026, 11, 16, 9, 30))
    services.add_customer_message(ticket=ticket, contact=ticket.requester, body="BRI.")
    # This policy has no next-response target; resolution resumes: 4 h, 30 min of it paused.
    assert _due(ticket) == jakarta(2026, 11, 16, 13, 30)

    services.change_status(ticket=ticket, status="resolved", by=Actor.agent(agent))
    assert _due(ticket) is None


def test_it_shows_each_running_deadline_with_its_colour(policy, agent, frozen_time):
    ticket = _file()

    def rows(at: datetime):
        frozen_time.move_to(at)
        sweep()
        return [
            (d.metric, d.state, d.colour, d.remaining_seconds)
            for d in running_deadlines(Ticket.objects.with_sla_timers().get(pk=ticket.pk), now=at)
        ]

    assert rows(jakarta(2026, 11, 16, 9, 30)) == [
        ("first_response", "running", "green", 1800),
        ("resolution", "running", "green", 3.5 * 3600),
    ]
    assert rows(jakarta(2026, 11, 16, 9, 50)) == [
        ("first_response", "running", "amber", 600),
        ("resolution", "running", "green", 3 * 3600 + 600),
    ]
    assert rows(jakarta(2026, 11, 16, 10, 10)) == [
        ("first_response", "breached", "red", -600),
        ("resolution", "running", "green", 2 * 3600 + 3000),
    ]
    services.add_agent_message(
        ticket=ticket, agent=agent, body="Waiting for BRI.", set_status="on_hold"
    )
    paused = running_deadlines(ticket, now=jakarta(2026, 11, 16, 10, 10))
    assert [(d.metric, d.state, d.colour, d.due_at, d.remaining_seconds) for d in paused] == [
        ("resolution", "paused", "grey", None, 240 * 60 - 70 * 60)
    ]
    assert describe(paused[0]) == "Resolution: paused · 2 h 50 min left"


def test_it_colours_a_row_by_its_most_urgent_deadline(policy, frozen_time):
    ticket = _file()
    frozen_time.move_to(jakarta(2026, 11, 16, 10, 5))
    sweep()

    deadlines = running_deadlines(ticket, now=jakarta(2026, 11, 16, 10, 5))

    assert worst_colour(deadlines) == "red"
    assert describe(deadlines[0]) == "First response: overdue by 5 min"
    assert worst_colour([]) is None


def test_it_gives_the_api_json_ready_deadlines(policy, frozen_time):
    ticket = _file()

    (first, resolution) = [
        d.as_dict() for d in running_deadlines(ticket, now=jakarta(2026, 11, 16, 9))
    ]

    assert json.loads(json.dumps(first)) == {
        "metric": "first_response",
        "label": "First response",
        "cycle": 1,
        "state": "running",
        "colour": "green",
        "due_at": "2026-11-16T03:00:00+00:00",
        "remaining_seconds": 3600,
        "target_minutes": 60,
        "business_hours": False,
        "paused_since": None,
    }
    assert resolution["metric"] == "resolution"


def test_it_lists_a_page_of_tickets_with_their_deadlines_in_two_queries(
    policy, frozen_time, django_assert_num_queries
):
    for _ in range(12):
        _file()

    with django_assert_num_queries(2):
        page = list(Ticket.objects.open().with_sla_timers().by_next_due()[:10])
        deadlines = [running_deadlines(t, now=jakarta(2026, 11, 16, 9)) for t in page]

    assert all(len(d) == 2 for d in deadlines)


def test_it_sorts_by_the_next_due_time_overdue_first_and_none_last(policy, agent, frozen_time):
    early = _file()
    frozen_time.move_to(jakarta(2026, 11, 16, 9, 20))
    late = _file()
    paused = _file()
    services.add_agent_message(ticket=paused, agent=agent, body="?", set_status="on_hold")
    frozen_time.move_to(jakarta(2026, 11, 16, 10, 5))
    sweep()

    ordered = list(Ticket.objects.open().by_next_due().values_list("pk", flat=True))

    assert ordered == [early.pk, late.pk, paused.pk]


def test_it_lists_tickets_breaching_soon_and_breached(policy, agent, frozen_time):
    overdue = _file()
    frozen_time.move_to(jakarta(2026, 11, 16, 9, 40))
    soon = _file()
    frozen_time.move_to(jakarta(2026, 11, 16, 10, 20))
    later = _file()
    answered = _file()
    services.add_agent_message(ticket=answered, agent=agent, body="Done.", set_status="resolved")
    now = jakarta(2026, 11, 16, 10, 30)

    breaching = Ticket.objects.breaching_soon(now, within=timedelta(minutes=30))

    assert list(breaching) == [overdue, soon]
    assert list(Ticket.objects.breached(now)) == [overdue]
    assert later not in breaching


@pytest.mark.postgres
def test_it_sorts_a_queue_by_next_due_from_the_partial_index(payments):
    with transaction.atomic(), connection.cursor() as cursor:  # SET LOCAL: this block only
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")  # can the index serve the order?
        cursor.execute(
            "EXPLAIN SELECT id FROM tickets_ticket WHERE queue_id = %s "
            "AND status IN ('new', 'open', 'pending_customer', 'on_hold') "
            "ORDER BY sla_due_at ASC NULLS LAST LIMIT 50",
            [payments.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "ticket_open_queue_sla_due" in plan
