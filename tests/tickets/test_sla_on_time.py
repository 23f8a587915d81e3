"""SLA events on time, in real time: beat sends the sweep every SLA_SWEEP_SECONDS (5) and a
worker runs it, so a one-minute target's warning (at 50%) and breach fire within 15 seconds of
their due times (docs/design.md section 6). Takes about 70 seconds: the minute has to pass."""

import os
from datetime import timedelta

import pytest

from tests.factories import ContactFactory, make_sla_policy
from tests.notifications.processes import BeatProcess, PrivateRedis, WorkerProcess, wait_until
from tickets import assignment, services
from tickets.models import TicketEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ON_TIME = timedelta(seconds=15)


@pytest.fixture
def beat_and_worker(transactional_db, settings):
    from django.db import connection

    db = connection.settings_dict
    redis = PrivateRedis()
    redis.start()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": redis.url,
        "REDIS_URL": redis.url,
        "SLA_SWEEP_SECONDS": "5",
    }
    worker = WorkerProcess(env).start()
    beat = BeatProcess(env).start()
    try:
        yield
    finally:
        beat.stop()
        worker.stop()
        redis.stop()


def test_a_one_minute_targets_warning_and_breach_fire_within_15_seconds(beat_and_worker, agent):
    # given a 24/7 policy: first response within a minute, a warning at 50%
    make_sla_policy(
        name="One minute",
        targets={"first_response": 1},
        warn_at_percent=50,
        ladder=[{"after_minutes": 0, "notify": "assignee"}],
    )

    # when a ticket comes in and nobody answers
    ticket = services.create_ticket(
        requester=ContactFactory(),
        category="payment_failed",
        subject="Saldo terpotong",
        body="Bayar QRIS gagal tapi saldo terpotong.",
    )
    assignment.assign(ticket=ticket, assignee=agent, by=None)
    timer = ticket.sla_timers.get(metric="first_response")
    warning_due = timer.started_at + (timer.due_at - timer.started_at) / 2

    # then the warning, the breach and the ladder's step fire on time
    def fired(kind: str, value: str):
        return ticket.events.filter(kind=kind, new_value=value).first()

    wait_until(lambda: fired(TicketEvent.Kind.SLA, "breached"), 120, what="the breach")
    warning = fired(TicketEvent.Kind.SLA, "warning")
    breach = fired(TicketEvent.Kind.SLA, "breached")
    assert timedelta(0) <= warning.created_at - warning_due <= ON_TIME
    assert timedelta(0) <= breach.created_at - timer.due_at <= ON_TIME
    step = ticket.events.get(kind=TicketEvent.Kind.ESCALATED)
    assert step.created_at - timer.due_at <= ON_TIME
    ticket.refresh_from_db()
    assert ticket.escalated_at is not None
