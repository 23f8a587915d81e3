"""The SLA sweep: warnings once per level per cycle, breaches once, the escalation ladder, business
hours for notifications, and a failure in one timer never stopping the rest."""

import logging
import threading
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.db import connections, transaction

from helpdesk.celery import app as celery_app
from sla.calendars import Clocks
from sla.sweep import sweep
from tests.factories import ContactFactory, make_sla_policy
from tests.tickets.conftest import JAKARTA
from tickets import services
from tickets.models import Message, Queue, SLATimer, Ticket, TicketEvent
from tickets.services import Actor

FR = "first_response"


def jakarta(*args) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)


def _file(requester=None, **kwargs) -> Ticket:
    return services.create_ticket(
        requester=requester or ContactFactory(),
        category="payment_failed",
        subject="Double charge",
        body="Charged twice at the same merchant.",
        **kwargs,
    )


def _sla_events(ticket: Ticket, what: str) -> list[TicketEvent]:
    return list(ticket.events.filter(kind=TicketEvent.Kind.SLA, new_value=what))


@pytest.fixture
def hour_policy(db):
    """24/7 first response in 60 minutes: warn at 50% (30 min) and 10 minutes before (50 min)."""
    return make_sla_policy(
        name="Hour", targets={FR: 60}, warn_at_percent=50, warn_minutes_before=10
    )


def test_it_warns_once_per_level(hour_policy, requester, frozen_time):
    ticket = _file(requester)

    fired = []
    for minutes in (29, 31, 32, 51, 55):
        frozen_time.move_to(jakarta(2026, 11, 16, 9, minutes))
        fired.append(sweep().warned)

    assert fired == [0, 1, 0, 1, 0]
    assert [e.data["level"] for e in _sla_events(ticket, "warning")] == ["percent", "before"]
    assert ticket.sla_timers.get(metric=FR).warned_levels == ["before", "percent"]


def test_it_sends_one_warning_for_levels_passed_between_two_sweeps(
    hour_policy, requester, frozen_time
):
    ticket = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 16, 9, 55))

    sweep()
    sweep()

    assert [e.data["level"] for e in _sla_events(ticket, "warning")] == ["before"]


def test_it_warns_each_cycle_of_next_response_afresh(db, agent, requester, frozen_time):
    make_sla_policy(name="NR", targets={"next_response": 60}, warn_at_percent=50)
    ticket = _file(requester)
    for _cycle in range(2):
        services.add_agent_message(ticket=ticket, agent=agent, body="Checking.")
        services.add_customer_message(ticket=ticket, contact=requester, body="And?")
        frozen_time.shift(timedelta(minutes=40))
        sweep()

    warnings = _sla_events(ticket, "warning")
    assert [e.data["cycle"] for e in warnings] == [1, 2]


def test_it_breaches_once_without_a_late_warning_and_keeps_counting_the_overrun(
    hour_policy, agent, requester, frozen_time
):
    ticket = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 16, 10, 1))

    results = [sweep(), sweep()]
    frozen_time.move_to(jakarta(2026, 11, 16, 10, 30))
    services.add_agent_message(ticket=ticket, agent=agent, body="Sorry for the wait.")

    assert [r.breached for r in results] == [1, 0]
    assert not _sla_events(ticket, "warning")
    (breach,) = _sla_events(ticket, "breached")
    assert datetime.fromisoformat(breach.data["due_at"]) == jakarta(2026, 11, 16, 10)
    timer = ticket.sla_timers.get(metric=FR)
    assert (timer.status, timer.breached_at) == ("breached_met", jakarta(2026, 11, 16, 10, 1))
    assert timer.elapsed_seconds - timer.target_seconds == 30 * 60


def test_it_records_a_breach_the_sweep_had_no_time_to_see(
    hour_policy, agent, requester, frozen_time
):
    ticket = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 16, 10, 0, 30))

    services.add_agent_message(ticket=ticket, agent=agent, body="Here you go.")

    timer = ticket.sla_timers.get(metric=FR)
    assert (timer.status, timer.breached_at) == ("breached_met", jakarta(2026, 11, 16, 10))


def test_it_meets_a_timer_answered_before_its_due_time(hour_policy, agent, requester, frozen_time):
    ticket = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 16, 9, 59))
    services.add_agent_message(ticket=ticket, agent=agent, body="Here you go.")
    frozen_time.move_to(jakarta(2026, 11, 16, 11))

    result = sweep()

    assert (result.warned, result.breached) == (0, 0)
    assert ticket.sla_timers.get(metric=FR).status == "met"


@pytest.fixture
def ladder_policy(db, refunds):
    return make_sla_policy(
        name="Ladder",
        targets={FR: 60},
        ladder=[
            {"after_minutes": 0, "notify": "assignee"},
            {"after_minutes": 10, "notify": "queue_leads"},
            {"after_minutes": 30, "notify": "admins", "set_priority": 4},
            {"after_minutes": 45, "notify": "queue_leads", "move_to_queue": refunds},
        ],
    )


def test_it_climbs_the_escalation_ladder_with_a_note_and_an_event_per_step(
    ladder_policy, agent, lead, admin_user, requester, frozen_time
):
    ticket = _file(requester)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)

    steps = []
    for minute in (1, 5, 11, 31, 46, 59):
        frozen_time.move_to(jakarta(2026, 11, 16, 10, minute))
        steps.append(sweep().escalated)

    assert steps == [1, 0, 1, 1, 1, 0]
    escalations = list(ticket.events.filter(kind=TicketEvent.Kind.ESCALATED))
    assert [e.data["level"] for e in escalations] == [1, 2, 3, 4]
    assert [e.data["recipients"] for e in escalations] == [
        [agent.pk],
        [lead.pk],
        [admin_user.pk],
        [lead.pk],
    ]
    notes = ticket.messages.filter(kind=Message.Kind.INTERNAL, author_type=Message.Author.SYSTEM)
    assert notes.count() == 4
    assert "step 3 of 4" in notes[2].body
    assert "Ayu Admin" in notes[2].body
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.queue.slug, ticket.assignee) == (4, "refunds", None)
    system_changes = ticket.events.filter(actor_type="system", kind__in=["priority", "queue"])
    assert list(system_changes.values_list("kind", flat=True)) == ["priority", "queue"]
    # Emails: the breach told the assignee, so the first step (the assignee again) sent no
    # second email; each later step emailed its people once.
    emails = sorted(
        ticket.notifications.filter(template__startswith="sla_").values_list(
            "template", "recipient"
        )
    )
    assert emails == sorted(
        [
            ("sla_breach", agent.email),
            ("sla_escalation", admin_user.email),
            ("sla_escalation", lead.email),
            ("sla_escalation", lead.email),
        ]
    )


def test_it_stops_escalating_once_the_breached_timer_is_met(
    ladder_policy, agent, requester, frozen_time
):
    ticket = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 16, 10, 1))
    sweep()
    services.add_agent_message(ticket=ticket, agent=agent, body="On it.")

    frozen_time.move_to(jakarta(2026, 11, 16, 12))
    sweep()

    assert ticket.events.filter(kind=TicketEvent.Kind.ESCALATED).count() == 1
    timer = ticket.sla_timers.get(metric=FR)
    assert (timer.status, timer.next_escalation_at) == ("breached_met", None)


def test_it_never_warns_breaches_or_escalates_a_merged_ticket(
    ladder_policy, agent, requester, frozen_time
):
    duplicate = _file(requester)
    target = _file(requester)
    services.merge_tickets(source=duplicate, target=target, by=Actor.agent(agent))
    frozen_time.move_to(jakarta(2026, 11, 16, 12))

    sweep()

    assert set(duplicate.sla_timers.values_list("status", flat=True)) == {"cancelled"}
    assert not duplicate.events.filter(kind__in=["sla", "escalated"]).exists()
    assert target.events.filter(kind="escalated").exists()


def test_it_makes_business_hours_notifications_wait_for_business_hours(
    office_hours, requester, frozen_time
):
    make_sla_policy(name="Office", calendar=office_hours, targets={FR: 60})
    frozen_time.move_to(jakarta(2026, 11, 16, 16, 30))
    ticket = _file(requester)  # due Tuesday 08:30: 30 min on Monday, 30 on Tuesday
    frozen_time.move_to(jakarta(2026, 11, 17, 8, 31))
    sweep()
    (breach,) = _sla_events(ticket, "breached")
    assert datetime.fromisoformat(breach.data["notify_after"]) == jakarta(2026, 11, 17, 8, 31)

    frozen_time.move_to(jakarta(2026, 11, 17, 20))  # a second ticket breaches after hours
    late = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 18, 22))
    sweep()

    (late_breach,) = _sla_events(late, "breached")
    assert datetime.fromisoformat(late_breach.data["notify_after"]) == jakarta(2026, 11, 19, 8)


def test_it_notifies_24_7_targets_at_once(hour_policy, requester, frozen_time):
    frozen_time.move_to(jakarta(2026, 11, 21, 23))  # Saturday night
    ticket = _file(requester)
    frozen_time.move_to(jakarta(2026, 11, 22, 0, 1))

    sweep()

    (breach,) = _sla_events(ticket, "breached")
    assert datetime.fromisoformat(breach.data["notify_after"]) == jakarta(2026, 11, 22, 0, 1)


def test_it_logs_and_skips_a_timer_it_cannot_compute_and_sweeps_the_rest(
    hour_policy, requester, frozen_time, monkeypatch, caplog
):
    broken, fine = _file(requester), _file(requester)
    broken_timer = broken.sla_timers.get(metric=FR)
    real = Clocks.for_timer

    def for_timer(self, timer):
        if timer.pk == broken_timer.pk:
            raise ValueError("calendar data is corrupt")
        return real(self, timer)

    monkeypatch.setattr(Clocks, "for_timer", for_timer)
    frozen_time.move_to(jakarta(2026, 11, 16, 10, 1))

    with caplog.at_level(logging.ERROR, logger="sla.sweep"):
        result = sweep()

    # Skipped twice: by the warning step and by the breach step.
    assert (result.breached, result.failed) == (1, 2)
    assert fine.sla_timers.get(metric=FR).status == "breached_running"
    assert broken.sla_timers.get(metric=FR).status == "running"
    assert f"timer {broken_timer.pk}" in caplog.text


def test_it_is_on_beat_every_five_seconds_and_expires_by_the_next(db):
    from sla.tasks import sla_sweep_task

    entry = settings.CELERY_BEAT_SCHEDULE["sla-sweep"]

    assert entry == {
        "task": "tickets.tasks.sla_sweep_task",
        "schedule": 5,
        "options": {"expires": 5, "expire_seconds": 5},
    }
    assert celery_app.tasks[entry["task"]].run == sla_sweep_task.run


def test_the_database_scheduler_installs_it_with_its_expiry(db):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import ModelEntry

    # What beat's DatabaseScheduler does with each settings entry when it starts.
    ModelEntry.from_entry("sla-sweep", app=celery_app, **settings.CELERY_BEAT_SCHEDULE["sla-sweep"])

    row = PeriodicTask.objects.get(name="sla-sweep")
    assert (row.task, row.interval.every, row.interval.period) == (
        "tickets.tasks.sla_sweep_task",
        5,
        "seconds",
    )
    assert ModelEntry(row, app=celery_app).options["expires"] == 5


# On PostgreSQL, with committed data and real threads.


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_marks_a_breach_once_when_two_sweeps_race(ladder_policy, agent, frozen_time):
    tickets = [_file() for _ in range(30)]
    frozen_time.move_to(jakarta(2026, 11, 16, 10, 1))
    start = threading.Barrier(2)
    results = []

    def run() -> None:
        try:
            start.wait()
            results.append(sweep(batch_size=7))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.breached for r in results) == 30
    assert sum(r.escalated for r in results) == 30
    for ticket in tickets:
        assert len(_sla_events(ticket, "breached")) == 1
        assert ticket.events.filter(kind="escalated").count() == 1
        assert ticket.messages.filter(kind="internal").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_leaves_a_ticket_someone_is_changing_for_the_next_sweep(hour_policy, frozen_time):
    ticket = _file()
    frozen_time.move_to(jakarta(2026, 11, 16, 10, 1))
    locked, release = threading.Event(), threading.Event()

    def agent_editing() -> None:
        try:
            with transaction.atomic():
                Ticket.objects.select_for_update().get(pk=ticket.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=agent_editing)
    holder.start()
    locked.wait(10)
    while_locked = sweep()
    release.set()
    holder.join()
    after = sweep()

    assert (while_locked.breached, after.breached) == (0, 1)
    assert SLATimer.objects.get(ticket=ticket, metric=FR).status == "breached_running"


@pytest.mark.postgres
def test_it_finds_due_timers_through_the_partial_indexes(hour_policy):
    from django.db import connection

    _file()
    with transaction.atomic(), connection.cursor() as cursor:  # SET LOCAL: this block only
        cursor.execute("SET LOCAL enable_seqscan = off")
        plans = {}
        for name, column, status in (
            ("sla_timer_running_due", "due_at", "AND status = 'running'"),
            ("sla_timer_warning_due", "next_warning_at", ""),
            ("sla_timer_escalation_due", "next_escalation_at", ""),
        ):
            cursor.execute(
                f"EXPLAIN SELECT id FROM tickets_slatimer WHERE {column} <= now() {status} "
                f"ORDER BY {column}, id LIMIT 500"
            )
            plans[name] = "\n".join(row[0] for row in cursor.fetchall())

    for name, plan in plans.items():
        assert name in plan, plan


def test_it_keeps_queues_untouched_when_a_step_has_no_action(ladder_policy, frozen_time):
    ticket = _file()
    frozen_time.move_to(jakarta(2026, 11, 16, 10, 12))

    sweep()

    ticket.refresh_from_db()
    assert ticket.queue == Queue.objects.get(slug="payments")
    assert ticket.events.filter(kind="escalated").count() == 2
