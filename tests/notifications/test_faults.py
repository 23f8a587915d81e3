"""Fault tests on real services: a private redis-server that is stopped, worker processes that
are killed with SIGKILL, and an SMTP server that answers 451 or 550. Each receipt must still
arrive exactly once, or be marked failed with the reason."""

from datetime import timedelta
from email.utils import parseaddr

import pytest
from django.db.models import F

from tests.factories import ContactFactory
from tests.portal.conftest import VALID, as_guest
from tickets import services
from tickets.models import Notification, Ticket
from tickets.tasks import sweep_outbox_task

from .mailserver import Hold
from .processes import wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

Status = Notification.Status


def _new_tickets(count: int) -> list[Ticket]:
    return [
        services.create_ticket(
            requester=ContactFactory(email=f"fault{i}@example.net"),
            category="payment_failed",
            subject=f"Payment {i} failed",
            body="QRIS payment failed but my balance was debited.",
        )
        for i in range(count)
    ]


def _recipients(messages) -> list[str]:
    return sorted(parseaddr(str(m["To"]))[1] for m in messages)


def _later(minutes: int = 10) -> None:
    """Let time pass for the outbox: claims, publications and due times move into the past."""
    Notification.objects.update(
        claimed_at=F("claimed_at") - timedelta(minutes=minutes),
        enqueued_at=F("enqueued_at") - timedelta(minutes=minutes),
        next_attempt_at=F("next_attempt_at") - timedelta(minutes=minutes),
    )


def test_it_delivers_all_receipts_once_when_redis_was_down_while_tickets_came_in(lab, client):
    # given a worker, and then Redis stops
    lab.start_worker()
    lab.redis.stop()

    # when 50 customers submit the web form
    for i in range(50):
        response = client.post(
            "/tickets/new/payment_failed/",
            as_guest(VALID["payment_failed"], email=f"outage{i}@example.net"),
            REMOTE_ADDR=f"10.0.0.{i + 1}",  # fifty customers, not one hitting the rate limit
        )
        assert response.status_code == 302, response.content[:500]

    # then every ticket and its receipt are saved, and nothing is sent yet
    assert Ticket.objects.count() == 50
    assert Notification.objects.filter(status=Status.PENDING).count() == 50
    assert lab.mail.recorder.messages == []

    # when Redis returns, a minute passes and beat's sweep runs on the worker
    lab.redis.start()
    _later(minutes=2)
    sweep_outbox_task.delay()

    # then each receipt arrives exactly once
    messages = lab.mail.recorder.wait_for(50, timeout=90)
    assert _recipients(messages) == sorted(f"outage{i}@example.net" for i in range(50))
    wait_until(lambda: Notification.objects.filter(status=Status.SENT).count() == 50, 30)
    assert len(lab.mail.recorder.messages) == 50


def test_it_resends_a_receipt_whose_worker_was_killed_before_handing_it_over(lab):
    # given the SMTP conversation of the 3rd receipt stops at RCPT TO
    recorder = lab.mail.recorder
    recorder.hold_rcpt = Hold(nth=3)
    worker = lab.start_worker()
    tickets = _new_tickets(6)
    assert recorder.hold_rcpt.reached.wait(30)

    # when the worker is killed there, and the server then gives up on the connection
    worker.kill()
    recorder.hold_rcpt.release.set()
    stuck = Notification.objects.get(status=Status.SENDING)
    assert stuck.handed_over_at is None

    # and a new worker starts, ten minutes pass and the sweep runs
    lab.start_worker()
    _later()
    sweep_outbox_task.delay()

    # then every receipt arrives exactly once, the stuck one on its second attempt
    messages = recorder.wait_for(6, timeout=60)
    assert _recipients(messages) == sorted(t.requester.email for t in tickets)
    wait_until(lambda: Notification.objects.filter(status=Status.SENT).count() == 6, 30)
    stuck.refresh_from_db()
    assert stuck.attempts == 2
    assert len(recorder.messages) == 6


def test_it_never_resends_a_receipt_whose_worker_was_killed_after_handing_it_over(lab):
    # given the server has the whole 3rd receipt but has not answered yet
    recorder = lab.mail.recorder
    recorder.hold_data = Hold(nth=3)
    worker = lab.start_worker()
    tickets = _new_tickets(6)
    assert recorder.hold_data.reached.wait(30)

    # when the worker is killed then (the server keeps the message)
    worker.kill()
    recorder.hold_data.release.set()
    held = Notification.objects.get(status=Status.SENDING)
    assert held.handed_over_at is not None

    # and a new worker starts, ten minutes pass and the sweep runs
    lab.start_worker()
    _later()
    sweep_outbox_task.delay()

    # then each receipt arrived exactly once; the uncertain one is left for a person
    recorder.wait_for(6, timeout=60)
    wait_until(lambda: Notification.objects.filter(status=Status.SENT).count() == 5, 30)
    wait_until(lambda: Notification.objects.get(pk=held.pk).status == Status.UNCONFIRMED, 30)
    held.refresh_from_db()
    assert "not sent again" in held.last_error
    assert _recipients(recorder.messages) == sorted(t.requester.email for t in tickets)


def test_it_delivers_once_after_the_server_answers_451_then_250(lab):
    recorder = lab.mail.recorder
    recorder.rcpt_replies = ["451 4.7.1 Greylisted, try again later"] * 2
    lab.start_worker()

    (ticket,) = _new_tickets(1)

    recorder.wait_for(1, timeout=60)
    receipt = ticket.notifications.get()
    wait_until(lambda: Notification.objects.get(pk=receipt.pk).status == Status.SENT, 30)
    receipt.refresh_from_db()
    assert receipt.attempts == 3
    assert recorder.rcpt_count == 3
    assert len(recorder.messages) == 1


def test_it_marks_a_receipt_failed_with_the_reason_when_the_server_answers_550(lab):
    recorder = lab.mail.recorder
    recorder.refuse["fault0@example.net"] = "550 5.1.1 <fault0@example.net>: User unknown"
    lab.start_worker()

    (ticket,) = _new_tickets(1)

    receipt = ticket.notifications.get()
    wait_until(lambda: Notification.objects.get(pk=receipt.pk).status == Status.FAILED, 30)
    receipt.refresh_from_db()
    assert receipt.last_error == "550 5.1.1 <fault0@example.net>: User unknown"
    assert receipt.attempts == 1
    assert recorder.messages == []
