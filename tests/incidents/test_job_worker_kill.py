"""Resolving an incident survives a worker killed mid-way (README "Incidents"): a real Celery
worker process resolves 600 linked tickets in batches of 50, is SIGKILLed between its first
and last batch, a new worker takes over when the sweep publishes the job again, and in the end
every ticket is resolved exactly once, with one reply and one status event each."""

import os
from collections import Counter
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from helpdesk.celery import app as celery_app
from incidents import jobs
from incidents import services as incident_services
from incidents.models import IncidentJob
from tests.notifications.processes import PrivateRedis, WorkerProcess, wait_until
from tickets.models import Message, Ticket, TicketEvent

from .core import declare, linked_tickets

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# About 17 tickets a second in one worker (a reply, a status change and their emails each):
# 600 keep the test within a minute.
TICKETS = 600
BATCH = 50


def _switch_broker(url: str) -> None:
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def workers(transactional_db):
    """Start workers (processes of their own) on a private redis-server; this process publishes
    there too."""
    import shutil

    if shutil.which("redis-server") is None:
        pytest.skip("this test starts its own redis-server, which is not installed")
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the PostgreSQL test database")
    redis = PrivateRedis()
    redis.start()
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres") + (
        ":" + quote(db["PASSWORD"]) if db["PASSWORD"] else ""
    )
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
            f"{db['NAME']}"
        ),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": redis.url,
        "REDIS_URL": redis.url,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "INCIDENT_JOB_BATCH_SIZE": str(BATCH),
        # one run does the rest, within the 60 s soft time limit of a task
        "INCIDENT_JOB_RUN_SECONDS": "50",
    }
    env.pop("EMAIL_HOST", None)
    started: list[WorkerProcess] = []
    previous = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    _switch_broker(redis.url)

    def start() -> WorkerProcess:
        worker = WorkerProcess(env).start()
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()
        redis.stop()
        _switch_broker(previous)


def test_a_resolution_killed_mid_way_finishes_once_per_ticket(workers, lead):
    incident = declare(lead, payment_methods=["virtual_account"], banks=["BRI"])
    tickets = linked_tickets(incident, TICKETS, statuses=("new", "open", "pending_customer"))
    first = workers()

    job = incident_services.resolve(incident, by=lead, message_en="BRI has fixed the fault.")
    assert job.total == TICKETS

    def progress() -> int:
        return IncidentJob.objects.values_list("done", flat=True).get(pk=job.pk)

    wait_until(lambda: progress() > 0, 60, interval=0.02, what="the first batch")
    first.kill()
    killed_at = progress()
    assert 0 < killed_at < TICKETS, killed_at
    # the batch it was in rolled back whole: exactly the committed batches' tickets are resolved
    assert Ticket.objects.filter(status="resolved").count() == killed_at
    job.refresh_from_db()
    assert job.state == IncidentJob.State.RUNNING

    # a new worker; the sweep (beat, every minute) finds the job's heartbeat old and publishes it
    second = workers()
    later = timezone.now() + timedelta(seconds=jobs.STALE_SECONDS + 1)
    assert jobs.sweep(now=later) == 1

    def finished() -> bool:
        return IncidentJob.objects.get(pk=job.pk).state == IncidentJob.State.DONE

    try:
        wait_until(finished, 90, interval=0.2, what="the job to finish")
    except AssertionError:
        print(second.output()[-5000:])
        print(IncidentJob.objects.filter(pk=job.pk).values().get())
        raise

    ids = {t.pk for t in tickets}
    assert set(Ticket.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"resolved"}
    resolved_events = Counter(
        TicketEvent.objects.filter(
            kind=TicketEvent.Kind.STATUS, new_value="resolved", ticket_id__in=ids
        ).values_list("ticket_id", flat=True)
    )
    assert set(resolved_events) == ids
    assert set(resolved_events.values()) == {1}
    replies = Counter(
        Message.objects.filter(
            ticket_id__in=ids, author_type=Message.Author.AGENT, kind=Message.Kind.PUBLIC
        ).values_list("ticket_id", flat=True)
    )
    assert set(replies) == ids
    assert set(replies.values()) == {1}
    job.refresh_from_db()
    assert job.done == job.total == TICKETS
    # Its final pass found nothing left behind the cursor: every ticket had its mark.
    assert job.final_pass
    assert job.skipped == 0
