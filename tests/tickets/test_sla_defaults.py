"""The SLA set-up seed_demo loads, Indonesia's holidays, and timers for tickets that have none."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sla.defaults import ensure_default_sla
from tests.factories import TicketFactory
from tickets.models import BusinessCalendar, Holiday, SLAPolicy, SLATimer, Ticket
from tickets.services import Actor, change_priority


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_seeds_the_demo_policies_in_order_with_one_default():
    output = _seed()

    policies = list(SLAPolicy.objects.order_by("is_default", "position"))
    assert [p.name for p in policies] == [
        "Urgent security (24/7)",
        "Payments and refunds",
        "Complaints",
        "Default",
    ]
    urgent = policies[0]
    assert urgent.calendar.is_24_7
    assert {t.metric: t.minutes for t in urgent.targets.all()} == {
        "first_response": 15,
        "next_response": 30,
        "resolution": 240,
    }
    assert [p.is_default for p in policies] == [False, False, False, True]
    assert "SLA: 3 policies" in output


@pytest.mark.django_db
def test_it_gives_every_open_demo_ticket_timers_that_started_when_it_was_filed():
    _seed()

    for ticket in Ticket.objects.open():
        timers = list(ticket.sla_timers.all())
        assert timers, ticket.reference
        first = min(timers, key=lambda t: (t.metric != "first_response", t.cycle))
        assert first.started_at == ticket.created_at
    urgent = Ticket.objects.filter(category="suspicious_transaction", status="new").first()
    assert {t.policy.name for t in urgent.sla_timers.all()} == {"Urgent security (24/7)"}


@pytest.mark.django_db
def test_it_adds_nothing_the_second_time():
    _seed()
    counts = (SLAPolicy.objects.count(), Holiday.objects.count(), SLATimer.objects.count())

    report = ensure_default_sla()

    assert (report.policies_created, report.holidays_added, report.tickets_backfilled) == (0, 0, 0)
    assert (SLAPolicy.objects.count(), Holiday.objects.count(), SLATimer.objects.count()) == counts


@pytest.mark.django_db
def test_it_loads_indonesian_holidays_into_business_calendars_only():
    _seed()
    office = BusinessCalendar.objects.get(name="Office hours")
    always = BusinessCalendar.objects.get(name="Around the clock")
    out = StringIO()

    call_command("load_holidays", "--year", "2030", stdout=out)
    call_command("load_holidays", "--year", "2026", "--joint-leave", stdout=out)

    assert office.holidays.filter(date="2030-08-17", source="package").exists()
    assert office.holidays.filter(date="2026-03-20", name__icontains="cuti bersama").exists()
    assert not always.holidays.exists()
    assert "Office hours: " in out.getvalue()


@pytest.mark.django_db
def test_it_refuses_an_unknown_calendar_or_country():
    with pytest.raises(CommandError, match="No calendar named Mars"):
        call_command("load_holidays", "--calendar", "Mars")
    with pytest.raises(CommandError, match="does not know"):
        call_command("load_holidays", "--country", "XX")


@pytest.mark.django_db
def test_it_backfills_open_tickets_created_before_any_policy(frozen_time):
    call_command("generate_tickets", "60", stdout=StringIO())
    out = StringIO()

    call_command("sla_backfill", stdout=out)

    open_tickets = Ticket.objects.open()
    assert f"for {open_tickets.count()} open tickets" in out.getvalue()
    for ticket in open_tickets:
        first_response = ticket.sla_timers.get(metric="first_response")
        resolution = ticket.sla_timers.get(metric="resolution")
        assert first_response.started_at == ticket.created_at
        assert first_response.stopped_at == ticket.first_response_at  # None: still running
        waiting = ticket.status in ("pending_customer", "on_hold")
        assert (resolution.status == "paused") is waiting
    assert not SLATimer.objects.exclude(ticket__in=open_tickets).exists()


@pytest.mark.django_db
def test_it_rebuilds_the_timers_of_given_tickets():
    _seed()
    ticket = Ticket.objects.open().first()
    before = list(ticket.sla_timers.values_list("metric", "cycle", "status", "due_at"))
    ticket.sla_timers.all().delete()
    out = StringIO()

    call_command("sla_backfill", "--rebuild", ticket.reference, stdout=out)

    assert list(ticket.sla_timers.values_list("metric", "cycle", "status", "due_at")) == before
    with pytest.raises(CommandError, match="No ticket GP-NOPE"):
        call_command("sla_backfill", "--rebuild", "GP-NOPE")


@pytest.mark.django_db
def test_it_starts_a_ticket_without_timers_from_its_creation_on_its_first_change(
    agent, frozen_time
):
    ticket = TicketFactory()  # as bulk-loaded or pre-SLA tickets are: no timers
    Ticket.objects.filter(pk=ticket.pk).update(created_at=ticket.created_at - timedelta(hours=1))
    ticket.refresh_from_db()

    change_priority(ticket=ticket, priority=4, by=Actor.agent(agent))

    timers = {t.metric: t for t in ticket.sla_timers.all()}
    assert set(timers) == {"first_response", "resolution"}
    assert timers["resolution"].started_at == ticket.created_at
