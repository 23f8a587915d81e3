"""The lead's report: SLA attainment by queue, agent, category and priority, with the median and
90th percentile of business and calendar time."""

from datetime import timedelta

import pytest

from sla import reports
from sla.reports import attainment, percentile
from tests.factories import TicketFactory
from tests.tickets.conftest import MONDAY_9AM
from tickets.models import SLAPolicy, SLATimer, Ticket

SINCE, UNTIL = MONDAY_9AM - timedelta(days=7), MONDAY_9AM + timedelta(days=1)


def fact(
    queue,
    *,
    status: str,
    elapsed: int = 0,
    wall: int = 0,
    breached: bool = False,
    metric: str = "first_response",
    assignee=None,
    started_at=MONDAY_9AM,
) -> SLATimer:
    """One timer fact on a ticket of its own (a 60-minute target)."""
    ticket = TicketFactory(queue=queue, assignee=assignee)
    return SLATimer.objects.create(
        ticket=ticket,
        metric=metric,
        status=status,
        policy=SLAPolicy.objects.get(is_default=True),
        target_minutes=60,
        started_at=started_at,
        counted_until=started_at,
        due_at=started_at + timedelta(hours=1),
        elapsed_seconds=elapsed,
        calendar_seconds=wall,
        breached_at=started_at + timedelta(hours=1) if breached else None,
    )


@pytest.fixture
def facts(payments, refunds, agent):
    fact(payments, status="met", elapsed=600, wall=900, assignee=agent)
    fact(payments, status="met", elapsed=1200, wall=1200, assignee=agent)
    fact(payments, status="breached_met", elapsed=4000, wall=5000, breached=True)
    fact(payments, status="breached_running", elapsed=3700, breached=True)
    fact(payments, status="running", elapsed=100)
    fact(payments, status="cancelled", elapsed=50)  # no longer applies: not counted
    fact(payments, status="met", elapsed=9, started_at=SINCE - timedelta(minutes=1))  # too early
    fact(refunds, status="met", elapsed=300, wall=300)
    fact(refunds, status="met", elapsed=700, wall=800, metric="resolution")


def test_it_counts_attainment_by_queue_with_median_and_p90(facts, payments, refunds):
    rows = {(r.label, r.metric): r for r in attainment(since=SINCE, until=UNTIL, by="queue")}

    assert set(rows) == {
        ("Payments", "first_response"),
        ("Refunds", "first_response"),
        ("Refunds", "resolution"),
    }
    payments_fr = rows[("Payments", "first_response")]
    assert (payments_fr.key, payments_fr.met, payments_fr.breached, payments_fr.running) == (
        payments.pk,
        2,
        2,
        1,
    )
    assert payments_fr.attainment == 50.0
    # Finished: 600, 1200, 4000 s used; 900, 1200, 5000 s on the wall clock.
    assert (payments_fr.business_p50, payments_fr.business_p90) == (1200, 3440)
    assert (payments_fr.calendar_p50, payments_fr.calendar_p90) == (1200, 4240)
    assert rows[("Refunds", "first_response")].attainment == 100.0


@pytest.mark.postgres  # percentile_cont; other databases use the Python path
@pytest.mark.parametrize("by", ["queue", "agent", "category", "priority"])
def test_it_gives_the_same_figures_in_the_database_and_in_python(facts, by):
    timers = SLATimer.objects.filter(started_at__gte=SINCE).exclude(
        status="cancelled", breached_at=None
    )

    in_db = reports.aggregate_in_database(timers, reports.GROUPS[by])
    in_python = reports.aggregate_in_python(timers, reports.GROUPS[by])

    assert in_db.keys() == in_python.keys()
    for key, figures in in_db.items():
        assert figures == pytest.approx(in_python[key])


def test_it_groups_by_agent_with_the_unassigned_apart(facts, agent):
    rows = attainment(since=SINCE, until=UNTIL, by="agent", metric="first_response")

    assert [(r.label, r.met, r.breached) for r in rows] == [
        (str(agent), 2, 0),
        ("Unassigned", 1, 2),
    ]


def test_it_labels_categories_and_priorities(facts):
    by_category = attainment(since=SINCE, until=UNTIL, by="category", metric="resolution")
    by_priority = attainment(since=SINCE, until=UNTIL, by="priority", metric="resolution")

    assert [(r.key, r.label) for r in by_category] == [("payment_failed", "Payment failed")]
    assert [(r.key, r.label) for r in by_priority] == [(3, "High")]


def test_it_narrows_to_the_tickets_a_lead_may_see(facts, agent_of_other_queue):
    rows = attainment(
        since=SINCE,
        until=UNTIL,
        tickets=Ticket.objects.visible_to(agent_of_other_queue),
    )

    assert {r.label for r in rows} == {"Refunds"}


def test_it_refuses_an_unknown_grouping():
    with pytest.raises(ValueError, match="by must be one of"):
        attainment(since=SINCE, until=UNTIL, by="weather")


def test_it_interpolates_percentiles_like_postgresql():
    assert percentile([], 0.5) is None
    assert percentile([5], 0.9) == 5
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([600, 4000, 1200], 0.9) == 3440
