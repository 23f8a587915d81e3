"""Incident jobs (incidents/jobs.py): telling every linked customer of an update and resolving
every linked ticket, in batches, exactly once per ticket however often or however concurrently
the job runs."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from incidents import jobs
from incidents import services as incident_services
from incidents.models import IncidentJob
from tickets.models import Message, Notification, Ticket, TicketEvent

from .core import declare, lead_of_every_queue, linked_tickets

pytestmark = pytest.mark.django_db

TITLES = {
    "title_id": "Top-up BRI VA tertunda",
    "title_en": "BRI virtual account top-ups delayed",
    "title_zh_hans": "BRI 虚拟账户充值延迟",
}
UPDATES = {
    "message_id": "BRI sudah memperbaiki gangguannya.",
    "message_en": "BRI has fixed the fault.",
    "message_zh_hans": "BRI 已修复故障。",
}
MARK = {"id": "tertunda", "en": "delayed", "zh-hans": "延迟"}
OPEN = ("new", "open", "pending_customer", "on_hold")
OPEN_AND_CLOSED = ("new", "open", "pending_customer", "on_hold", "resolved", "closed")


@pytest.fixture
def lead(db):
    """Here a lead of every queue: incidents over any category are theirs to declare."""
    return lead_of_every_queue()


@pytest.fixture(autouse=True)
def _batches_of_200(settings):
    settings.INCIDENT_JOB_BATCH_SIZE = 200
    settings.INCIDENT_JOB_RUN_SECONDS = 600


@pytest.fixture
def incident(lead):
    return declare(
        lead,
        **TITLES,
        message_id="Dana Anda aman.",
        message_en="Your money is safe.",
        message_zh_hans="您的资金是安全的。",
        payment_methods=["virtual_account"],
        banks=["BRI"],
    )


def replies_per_ticket(since_id: int = 0) -> Counter:
    return Counter(
        Message.objects.filter(
            pk__gt=since_id, kind=Message.Kind.PUBLIC, author_type=Message.Author.AGENT
        ).values_list("ticket_id", flat=True)
    )


def customer_emails_per_ticket() -> Counter:
    return Counter(
        Notification.objects.filter(audience=Notification.Audience.CUSTOMER)
        .exclude(template=Notification.Template.TICKET_CREATED)
        .values_list("ticket_id", flat=True)
    )


def status_events_per_ticket() -> Counter:
    return Counter(
        TicketEvent.objects.filter(kind=TicketEvent.Kind.STATUS).values_list("ticket_id", flat=True)
    )


def notify(incident, lead) -> IncidentJob:
    update = incident_services.post_update(
        incident, by=lead, status="identified", notify_customers=True, **UPDATES
    )
    return update.jobs.get()


# Telling every linked customer of an update


def test_an_update_tells_every_open_linked_customer_once_in_their_language(incident, lead):
    tickets = linked_tickets(incident, 450, statuses=OPEN_AND_CLOSED)
    other = linked_tickets(declare(lead, title_en="Another", categories=["refund"]), 10)
    open_ids = {t.pk for t in tickets if t.status in Ticket.OPEN_STATUSES}
    job = notify(incident, lead)
    assert (job.kind, job.total, job.done, job.state) == ("notify", len(open_ids), 0, "queued")

    assert jobs.run(job.pk) == "done"

    replies = replies_per_ticket()
    assert set(replies) == open_ids
    assert set(replies.values()) == {1}
    emails = customer_emails_per_ticket()
    assert set(emails) == open_ids
    assert set(emails.values()) == {1}
    assert not set(replies) & {t.pk for t in other}
    for ticket in tickets:
        if ticket.pk not in open_ids:
            continue
        body = Message.objects.get(ticket=ticket, author_type=Message.Author.AGENT).body
        language = ticket.language.replace("-", "_")
        assert TITLES[f"title_{language}"] in body, (ticket.language, body)
        assert UPDATES[f"message_{language}"] in body
        others = {code for code in MARK if code != ticket.language}
        assert not any(TITLES[f"title_{o.replace('-', '_')}"] in body for o in others)
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.percent) == ("done", len(open_ids), 300, 100)
    assert job.cursor == max(open_ids)
    assert job.started_at <= job.finished_at
    assert job.last_error == ""


def test_telling_customers_leaves_statuses_but_a_new_ticket_becomes_open(incident, lead):
    tickets = linked_tickets(incident, 8, statuses=("new", "pending_customer", "on_hold", "open"))
    jobs.run(notify(incident, lead).pk)

    statuses = dict(Ticket.objects.values_list("pk", "status"))
    assert [statuses[t.pk] for t in tickets[:4]] == ["open", "pending_customer", "on_hold", "open"]


def test_running_the_job_again_adds_nothing(incident, lead):
    linked_tickets(incident, 450, statuses=OPEN_AND_CLOSED)
    job = notify(incident, lead)
    jobs.run(job.pk)
    replies, emails = replies_per_ticket(), customer_emails_per_ticket()

    assert jobs.run(job.pk) == "finished"
    # even with its state reset by hand, it starts after its cursor: nothing is left
    IncidentJob.objects.filter(pk=job.pk).update(state=IncidentJob.State.RUNNING)
    assert jobs.run(job.pk) == "done"

    assert replies_per_ticket() == replies
    assert customer_emails_per_ticket() == emails


def test_a_job_runs_in_batches_and_shows_its_progress(incident, lead, settings):
    settings.INCIDENT_JOB_BATCH_SIZE = 200
    tickets = linked_tickets(incident, 450)
    job = notify(incident, lead)

    assert jobs.run_batch(job.pk) == "more"
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.cursor) == ("running", 200, 450, tickets[199].pk)
    assert job.percent == 44
    assert job.started_at is not None
    assert job.finished_at is None
    assert job.heartbeat_at is not None
    assert len(replies_per_ticket()) == 200

    assert jobs.run_batch(job.pk) == "more"
    assert jobs.run_batch(job.pk) == "more"
    job.refresh_from_db()
    assert (job.done, job.percent, job.state) == (450, 100, "running")
    assert jobs.run_batch(job.pk) == "done"
    job.refresh_from_db()
    assert (job.state, job.is_finished) == ("done", True)
    assert jobs.run_batch(job.pk) == "finished"
    assert len(replies_per_ticket()) == 450


def test_a_run_hands_over_when_its_time_is_up(incident, lead, settings, monkeypatch):
    settings.INCIDENT_JOB_BATCH_SIZE = 100
    settings.INCIDENT_JOB_RUN_SECONDS = 0  # one batch per run
    linked_tickets(incident, 250)
    job = notify(incident, lead)
    published = []
    monkeypatch.setattr(jobs, "publish", published.append)

    assert jobs.run(job.pk) == "continued"
    assert published == [job.pk]
    job.refresh_from_db()
    assert job.done == 100
    while jobs.run(job.pk) == "continued":
        pass
    job.refresh_from_db()
    assert (job.state, job.done) == ("done", 250)
    assert set(replies_per_ticket().values()) == {1}


def test_a_ticket_whose_change_fails_is_skipped_and_the_others_go_on(incident, lead, monkeypatch):
    tickets = linked_tickets(incident, 30)
    broken_ids = {t.pk for t in tickets[::3]}
    job = notify(incident, lead)
    real = jobs.add_agent_message

    def sometimes_broken(*, ticket, **kwargs):
        if ticket.pk in broken_ids:
            # After the reply is written: its savepoint must take it back with its email.
            real(ticket=ticket, **kwargs)
            raise RuntimeError("smtp config broken")
        return real(ticket=ticket, **kwargs)

    monkeypatch.setattr(jobs, "add_agent_message", sometimes_broken)
    jobs.run(job.pk)

    job.refresh_from_db()
    assert (job.state, job.done, job.skipped) == ("done", 30, len(broken_ids))
    assert "RuntimeError" in job.last_error
    replies = replies_per_ticket()
    assert set(replies) == {t.pk for t in tickets} - broken_ids
    assert set(replies.values()) == {1}
    emailed = Notification.objects.filter(ticket__in=tickets, template="agent_replied")
    assert set(emailed.values_list("ticket_id", flat=True)) == set(replies)


# Resolving every linked ticket


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("resolved", dict.fromkeys(OPEN, "resolved")),
        ("pending_customer", dict.fromkeys(OPEN, "pending_customer")),
        (
            "leave",
            {
                "new": "open",
                "open": "open",
                "pending_customer": "pending_customer",
                "on_hold": "on_hold",
            },
        ),
    ],
)
def test_resolving_treats_every_open_linked_ticket_once(incident, lead, outcome, expected):
    tickets = linked_tickets(incident, 450, statuses=OPEN_AND_CLOSED)
    before = {t.pk: t.status for t in tickets}

    job = incident_services.resolve(incident, by=lead, outcome=outcome, **UPDATES)
    assert job.total == 300
    assert jobs.run(job.pk) == "done"
    jobs.run(job.pk)  # again: nothing more

    after = dict(Ticket.objects.filter(incident=incident).values_list("pk", "status"))
    moved = status_events_per_ticket()
    replies = replies_per_ticket()
    emails = customer_emails_per_ticket()
    for pk, status in before.items():
        if status in ("resolved", "closed"):
            assert after[pk] == status
            assert pk not in moved
            assert pk not in replies
            assert pk not in emails
            continue
        assert after[pk] == expected[status], (status, after[pk])
        assert moved[pk] == (0 if expected[status] == status else 1)
        assert replies[pk] == 1
        # the reply and the status change are one email
        assert emails[pk] == 1
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == ("done", 300, 300)
    incident_events = Counter(
        TicketEvent.objects.filter(
            kind=TicketEvent.Kind.INCIDENT, field="incident_status"
        ).values_list("ticket_id", flat=True)
    )
    assert set(incident_events.values()) == {1}
    assert len(incident_events) == 300


def test_resolving_without_telling_the_customers_writes_no_reply(incident, lead):
    linked_tickets(incident, 20, statuses=("new", "open"))

    job = incident_services.resolve(incident, by=lead, notify_customers=False, **UPDATES)
    jobs.run(job.pk)

    assert not replies_per_ticket()
    assert set(Ticket.objects.values_list("status", flat=True)) == {"resolved"}
    assert set(status_events_per_ticket().values()) == {1}
    # resolved by the lead, and the customer is told of the resolution (one email each)
    assert set(customer_emails_per_ticket().values()) == {1}


def test_the_resolution_reply_is_in_the_customers_language(incident, lead):
    tickets = linked_tickets(incident, 3)
    jobs.run(incident_services.resolve(incident, by=lead, **UPDATES).pk)

    for ticket in tickets:
        body = Message.objects.get(ticket=ticket, author_type="agent").body
        language = ticket.language.replace("-", "_")
        assert UPDATES[f"message_{language}"] in body
    assert "has been fixed" in Message.objects.get(ticket=tickets[1]).body


# The sweep


def test_the_sweep_republishes_a_stale_job_and_not_a_fresh_one(incident, lead, monkeypatch):
    linked_tickets(incident, 5)
    stale = notify(incident, lead)
    fresh = incident_services.resolve(incident, by=lead, **UPDATES)
    long_ago = timezone.now() - timedelta(seconds=jobs.STALE_SECONDS + 5)
    IncidentJob.objects.filter(pk=stale.pk).update(
        state="running", heartbeat_at=long_ago, created_at=long_ago
    )
    published = []
    monkeypatch.setattr(jobs, "publish", published.append)

    assert jobs.sweep() == 1
    assert published == [stale.pk]

    # a queued job whose message was lost: published once it is old enough
    published.clear()
    later = timezone.now() + timedelta(seconds=jobs.STALE_SECONDS + 5)
    assert jobs.sweep(now=later) == 2
    assert sorted(published) == sorted([stale.pk, fresh.pk])

    # finished jobs never
    published.clear()
    IncidentJob.objects.update(state="done")
    assert jobs.sweep(now=later) == 0


def test_the_sweep_runs_the_job_through_the_task(incident, lead):
    # eager Celery in tests: the published task runs at once
    linked_tickets(incident, 5)
    job = notify(incident, lead)
    later = timezone.now() + timedelta(seconds=jobs.STALE_SECONDS + 5)

    assert jobs.sweep(now=later) == 1

    job.refresh_from_db()
    assert (job.state, job.done) == ("done", 5)
    assert set(replies_per_ticket().values()) == {1}


# Two workers at once


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_tell_each_customer_once(lead, settings):
    settings.INCIDENT_JOB_BATCH_SIZE = 50
    incident = declare(lead, **TITLES, message_en="Your money is safe.")
    linked_tickets(incident, 450, statuses=OPEN_AND_CLOSED)
    job = notify(incident, lead)
    start = threading.Barrier(3)
    results, errors = [], []

    def worker():
        try:
            start.wait()
            while True:
                result = jobs.run(job.pk)
                results.append(result)
                if result in ("done", "finished"):
                    break
                if result == "busy":
                    time.sleep(0.01)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not errors
    replies = replies_per_ticket()
    assert len(replies) == 300
    assert set(replies.values()) == {1}
    assert set(customer_emails_per_ticket().values()) == {1}
    job.refresh_from_db()
    assert (job.state, job.done) == ("done", 300)
