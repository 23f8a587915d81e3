"""Re-evaluation (priority, category, queue changes; policy and calendar edits) keeps the time a
timer has used and the time it was paused, and re-projects only what remains."""

from datetime import datetime, time, timedelta

import pytest

from sla.calendars import snapshot
from sla.changes import calendar_edited, policy_edited
from tests.factories import make_sla_policy
from tests.tickets.conftest import JAKARTA
from tickets import services
from tickets.models import BusinessWindow, SLATarget, SLATimer, Ticket, TicketEvent
from tickets.services import Actor

RES = "resolution"


def jakarta(*args) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)


@pytest.fixture
def payments_policies(office_hours):
    """Payments in office hours; urgent payments get a shorter resolution, same hours."""
    return (
        make_sla_policy(
            name="Urgent payments",
            position=1,
            calendar=office_hours,
            priorities=[4],
            targets={"first_response": 30, RES: 600},
        ),
        make_sla_policy(
            name="Payments",
            position=2,
            calendar=office_hours,
            categories=["payment_failed"],
            targets={"first_response": 120, RES: 960},
        ),
    )


def _file(requester) -> Ticket:
    return services.create_ticket(
        requester=requester, category="payment_failed", subject="Refund?", body="Please check."
    )


def _resolution(ticket: Ticket) -> SLATimer:
    return ticket.sla_timers.get(metric=RES, cycle=1)


def test_it_keeps_time_used_and_time_paused_when_the_priority_changes(
    payments_policies, agent, requester, frozen_time
):
    # given: Monday 09:00 filed; 10:00 the agent asks the customer; 12:00 the customer answers
    ticket = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 16, 10))
    services.add_agent_message(
        ticket=ticket, agent=agent, body="Which bank?", set_status="pending_customer"
    )
    frozen_time.move_to(jakarta(2026, 11, 16, 12))
    services.add_customer_message(ticket=ticket, contact=requester, body="BCA.")
    frozen_time.move_to(jakarta(2026, 11, 16, 13))

    # when: 13:00, raised to urgent (600 instead of 960 business minutes)
    services.change_priority(ticket=ticket, priority=4, by=Actor.agent(agent))

    # then: 2 h used (09-10, 12-13), the 2 h pause kept, the rest re-projected: 8 h remain,
    # 4 h today until 17:00 and 4 h from Tuesday 08:00
    timer = _resolution(ticket)
    assert (timer.elapsed_seconds, timer.paused_seconds) == (2 * 3600, 2 * 3600)
    assert [[datetime.fromisoformat(at) for at in pause] for pause in timer.pauses] == [
        [jakarta(2026, 11, 16, 10), jakarta(2026, 11, 16, 12)]
    ]
    assert (timer.target_minutes, timer.policy.name) == (600, "Urgent payments")
    assert timer.due_at == jakarta(2026, 11, 17, 12)
    event = ticket.events.get(kind=TicketEvent.Kind.SLA, field=RES)
    assert event.new_value == "re-evaluated"
    assert event.data["before"]["target_minutes"] == 960
    assert event.data["why"] == "priority changed from high to urgent"


def test_it_keeps_paused_time_when_re_evaluated_while_paused_and_after(
    payments_policies, agent, requester, frozen_time
):
    ticket = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 16, 10))
    services.add_agent_message(
        ticket=ticket, agent=agent, body="Which bank?", set_status="pending_customer"
    )
    frozen_time.move_to(jakarta(2026, 11, 16, 11))

    services.change_priority(ticket=ticket, priority=4, by=Actor.agent(agent))
    paused = _resolution(ticket)
    frozen_time.move_to(jakarta(2026, 11, 16, 14))
    services.add_customer_message(ticket=ticket, contact=requester, body="BCA.")

    resumed = _resolution(ticket)
    assert (paused.status, paused.elapsed_seconds, paused.target_minutes) == ("paused", 3600, 600)
    assert (resumed.status, resumed.elapsed_seconds, resumed.paused_seconds) == (
        "running",
        3600,
        4 * 3600,
    )
    assert resumed.due_at == jakarta(2026, 11, 17, 14)  # 9 h left: 3 h today, 6 h tomorrow


def test_it_re_measures_from_the_original_start_when_the_clock_changes_and_breaches_at_once(
    office_hours, agent, requester, frozen_time
):
    # given: business-hours payments, and a 24/7 policy for urgent tickets (4 h resolution)
    make_sla_policy(name="Urgent 24/7", position=1, priorities=[4], targets={RES: 240})
    make_sla_policy(name="Payments", position=2, calendar=office_hours, targets={RES: 960})
    frozen_time.move_to(jakarta(2026, 11, 13, 16))  # Friday 16:00
    ticket = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 16, 10))  # Monday 10:00

    services.change_priority(ticket=ticket, priority=4, by=Actor.agent(agent))

    # then: 7 business hours (Fri 16-17, Sat 08-12, Mon 08-10) became 66 wall-clock hours,
    # past the 4 h target: breached now, with an event that says why
    timer = _resolution(ticket)
    assert timer.calendar.is_24_7
    assert timer.elapsed_seconds == 66 * 3600
    assert (timer.status, timer.breached_at) == ("breached_running", jakarta(2026, 11, 16, 10))
    breach = ticket.events.get(kind=TicketEvent.Kind.SLA, new_value="breached")
    assert "priority changed from high to urgent" in breach.data["reason"]
    assert "the target is now 240 min" in breach.data["reason"]


def test_it_never_un_breaches_a_timer_when_the_new_target_is_longer(
    office_hours, agent, requester, frozen_time
):
    make_sla_policy(name="Generous", position=1, priorities=[1], targets={RES: 9999})
    make_sla_policy(name="Strict", position=2, targets={RES: 10})
    ticket = _file(requester)
    frozen_time.shift(timedelta(minutes=30))
    from sla.sweep import sweep

    sweep()
    services.change_priority(ticket=ticket, priority=1, by=Actor.agent(agent))

    timer = _resolution(ticket)
    assert (timer.status, timer.target_minutes, timer.policy.name) == (
        "breached_running",
        10,
        "Strict",
    )


def test_it_cancels_a_timer_whose_metric_the_new_policy_does_not_have(
    payments_policies, agent, requester, frozen_time
):
    make_sla_policy(
        name="Low: no resolution target",
        position=0,
        priorities=[1],
        targets={"first_response": 600},
    )
    ticket = _file(requester)

    services.change_priority(ticket=ticket, priority=1, by=Actor.agent(agent))

    assert _resolution(ticket).status == "cancelled"
    assert ticket.events.filter(kind="sla", field=RES, new_value="cancelled").exists()
    assert ticket.sla_timers.get(metric="first_response").target_minutes == 600


def test_it_recomputes_the_running_timers_of_a_deactivated_policy(
    payments_policies, requester, frozen_time, django_capture_on_commit_callbacks
):
    _urgent, payments = payments_policies
    ticket = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 16, 11))

    with django_capture_on_commit_callbacks(execute=True):
        payments.is_active = False
        payments.save()
        policy_edited(payments.pk)

    timer = _resolution(ticket)
    assert (timer.policy.name, timer.target_minutes, timer.elapsed_seconds) == (
        "Default",
        2700,
        2 * 3600,
    )
    ticket.refresh_from_db()
    assert ticket.sla_due_at == min(t.due_at for t in ticket.sla_timers.active())


def test_it_keeps_business_time_used_when_a_calendar_changes_and_projects_the_rest_on_it(
    payments_policies, office_hours, requester, frozen_time, django_capture_on_commit_callbacks
):
    # given: filed Monday 09:00 (960 business minutes); at 11:00, 2 h are used
    ticket = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 16, 11))
    before = snapshot(office_hours)

    # when: Monday's hours become 10:00-17:00 (under which only 1 h would have been used)
    with django_capture_on_commit_callbacks(execute=True):
        BusinessWindow.objects.filter(calendar=office_hours, weekday=0).update(starts_at=time(10))
        assert calendar_edited(office_hours, before)

    # then: still 2 h used; 14 h remain: Mon 11-17 (6), Tue 08-16 (8)
    timer = _resolution(ticket)
    assert (timer.elapsed_seconds, timer.counted_until) == (2 * 3600, jakarta(2026, 11, 16, 11))
    assert timer.due_at == jakarta(2026, 11, 17, 16)


def test_it_never_recomputes_finished_timers_when_a_calendar_changes(
    payments_policies,
    office_hours,
    agent,
    requester,
    frozen_time,
    django_capture_on_commit_callbacks,
):
    ticket = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 16, 10))
    services.add_agent_message(ticket=ticket, agent=agent, body="Done.", set_status="resolved")
    finished = {t.pk: (t.due_at, t.elapsed_seconds, t.status) for t in ticket.sla_timers.all()}
    before = snapshot(office_hours)

    with django_capture_on_commit_callbacks(execute=True):
        BusinessWindow.objects.filter(calendar=office_hours).delete()
        calendar_edited(office_hours, before)

    assert {t.pk: (t.due_at, t.elapsed_seconds, t.status) for t in ticket.sla_timers.all()} == (
        finished
    )


def test_it_recomputes_a_large_policy_in_follow_up_tasks(
    payments_policies, requester, frozen_time, monkeypatch, django_capture_on_commit_callbacks
):
    from sla import engine, tasks

    _urgent, payments = payments_policies
    tickets = [_file(requester) for _ in range(5)]
    monkeypatch.setattr(engine, "RECOMPUTE_BATCH", 2)
    monkeypatch.setattr(tasks, "RECOMPUTE_SECONDS", 0)  # every batch ends a task run
    first = engine.recompute_policy(payments.pk, seconds_left=0)
    assert (first.done, first.resume_after) == (2, tickets[1].pk)

    with django_capture_on_commit_callbacks(execute=True):
        SLATarget.objects.filter(policy=payments, metric=RES).update(minutes=480)
        policy_edited(payments.pk)

    assert {t.sla_timers.get(metric=RES).target_minutes for t in tickets} == {480}
