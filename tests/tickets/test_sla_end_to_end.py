"""End to end on the real services: a ticket under a one-minute first-response policy, the sweep
task sent through the Redis broker and run by a real Celery worker, twice at the same time."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from celery.signals import task_postrun

from sla.tasks import sla_sweep_task
from tests.factories import ContactFactory, make_sla_policy
from tickets import assignment, services
from tickets.models import Message, Notification, TicketEvent

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

T0 = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # Monday 09:00 in Jakarta


class SweepsThroughTheWorker:
    """Send the sweep task through the broker and wait until the worker has run it."""

    def __init__(self) -> None:
        self.finished = 0
        self.results = []
        self.lock = threading.Lock()
        task_postrun.connect(self.done, weak=False)

    def done(self, sender=None, retval=None, **kwargs) -> None:
        if sender is not None and sender.name == sla_sweep_task.name:
            with self.lock:
                self.finished += 1
                self.results.append(retval)

    def run_concurrently(self, times: int = 2) -> list[dict]:
        expected = self.finished + times
        for _ in range(times):
            sla_sweep_task.delay()
        deadline = time.monotonic() + 20
        while self.finished < expected:
            assert time.monotonic() < deadline, "the worker did not run the sweeps"
            time.sleep(0.05)
        return self.results[-times:]

    def close(self) -> None:
        task_postrun.disconnect(self.done)


@pytest.fixture
def sweeps(live_worker):
    helper = SweepsThroughTheWorker()
    yield helper
    helper.close()


@pytest.fixture
def one_minute_policy(transactional_db):
    """24/7: first response within 1 minute, warned at 50%; the breach notifies the assignee."""
    return make_sla_policy(
        name="One minute",
        targets={"first_response": 1},
        warn_at_percent=50,
        ladder=[{"after_minutes": 0, "notify": "assignee"}],
    )


def test_it_warns_once_breaches_once_and_escalates_once(one_minute_policy, agent, sweeps):
    with time_machine.travel(T0, tick=False) as clock:
        ticket = services.create_ticket(
            requester=ContactFactory(),
            category="payment_failed",
            subject="Saldo terpotong",
            body="Bayar QRIS gagal tapi saldo terpotong.",
        )
        assignment.assign(ticket=ticket, assignee=agent, by=None)

        clock.move_to(T0 + timedelta(seconds=40))  # past 50% of the minute
        first = sweeps.run_concurrently()
        clock.move_to(T0 + timedelta(seconds=70))  # past due
        second = sweeps.run_concurrently()
        third = sweeps.run_concurrently()

    assert sum(r["warned"] for r in first) == 1
    assert sum(r["breached"] for r in second) == 1
    assert sum(r["escalated"] for r in second) == 1
    assert all(r[key] == 0 for r in third for key in ("warned", "breached", "escalated"))
    sla_events = list(ticket.events.filter(kind=TicketEvent.Kind.SLA))
    assert [e.new_value for e in sla_events] == ["warning", "breached"]
    (step,) = ticket.events.filter(kind=TicketEvent.Kind.ESCALATED)
    assert step.data["recipients"] == [agent.pk]
    note = ticket.messages.get(kind=Message.Kind.INTERNAL)
    assert (note.author_type, note.pk) == (Message.Author.SYSTEM, step.data["message"])
    timer = ticket.sla_timers.get(metric="first_response")
    assert (timer.status, timer.escalation_level) == ("breached_running", 1)
    ticket.refresh_from_db()
    assert ticket.escalated_at == T0 + timedelta(seconds=70)  # the badge, the escalated view
    # The outbox holds one email per step and recipient, however many sweeps ran; the
    # ladder's first step ("tell the assignee") goes with the breach email, not as a second one.
    emails = Notification.objects.filter(
        ticket=timer.ticket, recipient=agent.email, template__startswith="sla_"
    )
    assert sorted(emails.values_list("template", flat=True)) == ["sla_breach", "sla_warning"]


def test_it_marks_the_timer_met_when_an_agent_replies_before_the_deadline(
    one_minute_policy, agent, sweeps
):
    with time_machine.travel(T0, tick=False) as clock:
        ticket = services.create_ticket(
            requester=ContactFactory(),
            category="payment_failed",
            subject="Saldo terpotong",
            body="Bayar QRIS gagal tapi saldo terpotong.",
        )
        clock.move_to(T0 + timedelta(seconds=20))
        sweeps.run_concurrently()
        clock.move_to(T0 + timedelta(seconds=25))
        services.add_agent_message(ticket=ticket, agent=agent, body="Kami cek sekarang.")
        clock.move_to(T0 + timedelta(seconds=90))
        results = sweeps.run_concurrently()

    assert all(r["warned"] == r["breached"] == r["escalated"] == 0 for r in results)
    timer = ticket.sla_timers.get(metric="first_response")
    assert (timer.status, timer.elapsed_seconds) == ("met", 25)
    assert not ticket.events.filter(kind__in=[TicketEvent.Kind.SLA, TicketEvent.Kind.ESCALATED])
