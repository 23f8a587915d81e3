"""The outbox sweep (beat, every minute): what no worker took is published again, and what a
dead worker held is sent again - unless it may have been delivered already."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications import core, outbox
from notifications.tasks import sweep_outbox_task
from tests.factories import TicketFactory
from tickets import services
from tickets.models import Notification
from tickets.services import Actor

Status = Notification.Status


@pytest.fixture
def published(monkeypatch):
    """The ids the outbox publishes (nothing reaches a broker)."""
    ids: list[int] = []
    monkeypatch.setattr(outbox.EMAILS, "enqueue", lambda batch, countdown=None: ids.extend(batch))
    return ids


def _receipts(count: int) -> list[Notification]:
    rows = []
    for _ in range(count):
        ticket = TicketFactory()
        services.record_event(ticket, "created", Actor.customer(ticket.requester))
        rows.append(ticket.notifications.get())
    return rows


def _sweep(at, django_capture_on_commit_callbacks) -> outbox.SweepResult:
    with time_machine.travel(at), django_capture_on_commit_callbacks(execute=True):
        return outbox.sweep()


PICKUP = timedelta(seconds=settings.NOTIFICATION_PICKUP_SECONDS)


@pytest.mark.django_db
def test_it_publishes_a_notification_no_worker_took_within_a_minute(
    published, django_capture_on_commit_callbacks
):
    (receipt,) = _receipts(1)
    published.clear()  # the publication after commit, which (say) Redis lost

    early = _sweep(
        receipt.created_at + PICKUP - timedelta(seconds=1), django_capture_on_commit_callbacks
    )
    late = _sweep(
        receipt.created_at + PICKUP + timedelta(seconds=1), django_capture_on_commit_callbacks
    )

    assert (early.published, late.published) == (0, 1)
    assert published == [receipt.pk]


@pytest.mark.django_db
def test_it_waits_another_minute_before_publishing_the_same_row_again(
    published, django_capture_on_commit_callbacks
):
    (receipt,) = _receipts(1)
    first = receipt.created_at + PICKUP + timedelta(seconds=1)

    assert _sweep(first, django_capture_on_commit_callbacks).published == 1
    assert _sweep(first + timedelta(seconds=30), django_capture_on_commit_callbacks).published == 0
    assert (
        _sweep(first + PICKUP + timedelta(seconds=1), django_capture_on_commit_callbacks).published
        == 1
    )


@pytest.mark.django_db
def test_it_leaves_sent_failed_and_not_yet_due_notifications_alone(
    published, django_capture_on_commit_callbacks
):
    sent, failed, later = _receipts(3)
    Notification.objects.filter(pk=sent.pk).update(status=Status.SENT)
    Notification.objects.filter(pk=failed.pk).update(status=Status.FAILED)
    Notification.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(hours=1), enqueued_at=None
    )

    result = _sweep(timezone.now() + PICKUP * 2, django_capture_on_commit_callbacks)

    assert result.published == 0


@pytest.mark.django_db
def test_it_sends_again_what_a_dead_worker_claimed_before_handing_it_over(
    published, django_capture_on_commit_callbacks
):
    (receipt,) = _receipts(1)
    claimed = timezone.now()
    Notification.objects.filter(pk=receipt.pk).update(
        status=Status.SENDING, claimed_at=claimed, attempts=1
    )

    alive = _sweep(
        claimed + outbox.claim_timeout() - timedelta(seconds=1), django_capture_on_commit_callbacks
    )
    dead = _sweep(
        claimed + outbox.claim_timeout() + timedelta(seconds=1), django_capture_on_commit_callbacks
    )

    assert (alive.resent, dead.resent, dead.published) == (0, 1, 1)
    receipt.refresh_from_db()
    assert receipt.status == Status.PENDING
    assert "before handing the message over" in receipt.last_error


@pytest.mark.django_db
def test_it_sends_once_more_after_a_delay_what_a_dead_worker_had_handed_over(
    published, settings, django_capture_on_commit_callbacks
):
    # given a receipt whose worker died after handing it to the mail server
    settings.NOTIFICATION_UNCONFIRMED_RESEND_SECONDS = 300
    (receipt,) = _receipts(1)
    published.clear()
    claimed = timezone.now()
    Notification.objects.filter(pk=receipt.pk).update(
        status=Status.SENDING, claimed_at=claimed, handed_over_at=claimed, attempts=1
    )
    found = claimed + outbox.claim_timeout() + timedelta(seconds=1)

    # when the sweep finds it, and runs again before and after the delay
    first = _sweep(found, django_capture_on_commit_callbacks)
    early = _sweep(found + timedelta(seconds=299), django_capture_on_commit_callbacks)
    assert Notification.objects.get(pk=receipt.pk).status == Status.UNCONFIRMED
    due = _sweep(found + timedelta(seconds=301), django_capture_on_commit_callbacks)

    # then it is left unconfirmed for the delay, then published once more as it was
    assert (first.unconfirmed, first.published, early.resent_unconfirmed) == (1, 0, 0)
    assert (due.resent_unconfirmed, due.published) == (1, 1)
    assert published == [receipt.pk]
    receipt.refresh_from_db()
    assert receipt.status == Status.PENDING
    assert receipt.unconfirmed_resent_at is not None
    assert receipt.handed_over_at is None
    assert "same Message-ID" in receipt.last_error


@pytest.mark.django_db
def test_it_leaves_for_a_person_what_was_unconfirmed_twice(
    published, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_UNCONFIRMED_RESEND_SECONDS = 0
    (receipt,) = _receipts(1)
    published.clear()
    claimed = timezone.now()
    Notification.objects.filter(pk=receipt.pk).update(
        status=Status.SENDING,
        claimed_at=claimed,
        handed_over_at=claimed,
        attempts=2,
        unconfirmed_resent_at=claimed,
    )

    result = _sweep(
        claimed + outbox.claim_timeout() + timedelta(days=1), django_capture_on_commit_callbacks
    )

    assert (result.unconfirmed, result.resent_unconfirmed, result.published) == (1, 0, 0)
    assert published == []
    receipt.refresh_from_db()
    assert receipt.status == Status.UNCONFIRMED
    assert "by hand" in receipt.last_error


@pytest.mark.django_db
def test_it_publishes_at_most_a_batch_oldest_first(
    published, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(core, "SWEEP_BATCH", 2)
    rows = _receipts(3)
    published.clear()

    result = _sweep(timezone.now() + PICKUP * 2, django_capture_on_commit_callbacks)

    assert result.published == 2
    assert published == [rows[0].pk, rows[1].pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_publishes_each_row_once_when_two_sweeps_run_at_once(published):
    rows = _receipts(40)
    published.clear()
    barrier = threading.Barrier(2)

    def sweep() -> None:
        barrier.wait()
        try:
            outbox.sweep(now=timezone.now() + PICKUP * 2)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(published) == sorted(row.pk for row in rows)


def test_it_is_scheduled_every_minute_and_expires_before_the_next_run():
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]

    assert entry["task"] == sweep_outbox_task.name == "tickets.tasks.sweep_outbox_task"
    assert entry["schedule"] == 60
    assert entry["options"]["expires"] < 60
