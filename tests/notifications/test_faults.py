"""Fault tests on real services: a private redis-server that is stopped, worker processes that
are killed with SIGKILL, and an SMTP server that answers 451 or 550. Each receipt must still
arrive exactly once, or be marked failed with the reason."""

import os
import signal
import subprocess
from datetime import timedelta
from email.utils import parseaddr

import pytest
from django.db.models import F
from rest_framework.test import APIClient

from notifications.tasks import sweep_outbox_task
from tests.factories import ContactFactory
from tests.portal.conftest import VALID, as_guest
from tickets import services
from tickets.models import Notification, Ticket

from .mailserver import Hold
from .processes import wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

Status = Notification.Status
API_TICKET = {
    "category": "payment_failed",
    "subject": "QRIS payment failed but my balance was debited",
    "description": "The merchant did not receive Rp45.000.",
    "details": {
        "transaction_reference": "TRX-20261121-8F3K2Q",
        "amount": "45.000",
        "currency": "IDR",
        "occurred_at": "2026-11-21T08:14",
        "payment_method": "qris",
        "merchant": "Kedai Kopi Senopati",
    },
}


def _new_tickets(count: int, *, first: int = 0) -> list[Ticket]:
    return [
        services.create_ticket(
            requester=ContactFactory(email=f"fault{i}@example.net"),
            category="payment_failed",
            subject=f"Payment {i} failed",
            body="QRIS payment failed but my balance was debited.",
        )
        for i in range(first, first + count)
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


def test_no_submission_is_lost_when_redis_is_down_for_the_web_form_and_the_api(
    lab, client, settings
):
    # given one Redis for the broker and the cache (rate limits), as in production; a worker;
    # and then Redis stops
    settings.CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.FailOpenRedisCache",
            "LOCATION": lab.redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    lab.start_worker()
    lab.redis.stop()
    api = APIClient(headers={"Accept-Language": "en"})

    # when 25 customers submit the web form and 25 the API (the wallet app)
    for i in range(25):
        response = client.post(
            "/tickets/new/payment_failed/",
            as_guest(VALID["payment_failed"], email=f"outage{i}@example.net"),
            REMOTE_ADDR=f"10.0.0.{i + 1}",
        )
        assert response.status_code == 302, response.content[:500]
    for i in range(25, 50):
        response = api.post(
            "/api/v1/tickets/",
            {**API_TICKET, "email": f"outage{i}@example.net"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"outage-{i}",
        )
        assert response.status_code == 201, response.content[:500]

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


def test_it_resends_once_with_the_same_message_id_a_receipt_whose_worker_died_mid_send(
    lab, settings
):
    # given the server has the whole 3rd receipt but has not answered yet
    settings.NOTIFICATION_UNCONFIRMED_RESEND_SECONDS = 0
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

    # and a new worker starts, ten minutes pass and the sweep runs: it finds the dead claim,
    # unconfirmed, and (the resend delay is 0 here) sends it once more
    lab.start_worker()
    _later()
    sweep_outbox_task.delay()

    # then every receipt arrived; the uncertain one twice, with one Message-ID
    recorder.wait_for(7, timeout=60)
    wait_until(lambda: Notification.objects.filter(status=Status.SENT).count() == 6, 30)
    held.refresh_from_db()
    assert held.unconfirmed_resent_at is not None
    copies = [m for m in recorder.messages if m["Message-ID"] == held.message_id]
    assert len(copies) == 2
    assert sorted(set(_recipients(recorder.messages))) == sorted(t.requester.email for t in tickets)


def test_no_receipt_is_lost_when_a_worker_is_killed_during_a_burst(lab, settings):
    # given 60 receipts going out, the 20th held at DATA
    settings.NOTIFICATION_UNCONFIRMED_RESEND_SECONDS = 0
    recorder = lab.mail.recorder
    recorder.hold_data = Hold(nth=20)
    worker = lab.start_worker()
    tickets = _new_tickets(60)
    assert recorder.hold_data.reached.wait(60)

    # when the worker is SIGKILLed there, and a new one takes over with the sweeps
    worker.kill()
    recorder.hold_data.release.set()
    lab.start_worker()
    _later()
    sweep_outbox_task.delay()
    wait_until(lambda: not Notification.objects.filter(status=Status.SENDING).exists(), 60)
    sweep_outbox_task.delay()
    wait_until(lambda: Notification.objects.filter(status=Status.SENT).count() == 60, 90)

    # then every customer has their receipt; a second copy only with the first's Message-ID
    received = {}
    for message in recorder.messages:
        received.setdefault(parseaddr(str(message["To"]))[1], set()).add(message["Message-ID"])
    assert sorted(received) == sorted(t.requester.email for t in tickets)
    assert all(len(ids) == 1 for ids in received.values())
    assert (
        len(recorder.messages) - 60
        == Notification.objects.filter(unconfirmed_resent_at__isnull=False).count()
    )


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


def test_a_worker_keeps_running_when_redis_goes_away_while_it_sends(lab):
    # given the SMTP conversation of the only receipt is held at DATA, with a worker busy on it
    recorder = lab.mail.recorder
    recorder.hold_data = Hold(nth=1)
    worker = lab.start_worker()
    _new_tickets(1)
    assert recorder.hold_data.reached.wait(30)

    # when Redis stops while the task runs, and the task then finishes (it acknowledges its
    # message on a connection that is gone)
    lab.redis.stop()
    wait_until(lambda: "Connection to broker lost" in worker.output(), 30)
    recorder.hold_data.release.set()
    wait_until(lambda: Notification.objects.filter(status=Status.SENT).count() == 1, 30)
    lab.redis.start()

    # then the worker is still there and takes the next receipt
    _new_tickets(1, first=1)
    recorder.wait_for(2, timeout=60)
    assert worker.process.poll() is None, worker.output()[-3000:]
    assert "Unrecoverable error" not in worker.output()


def test_a_worker_that_exits_is_started_again_and_no_receipt_is_lost(lab):
    # given a worker under scripts/keep_running.py, as `make run` starts it
    worker = lab.start_worker(supervised=True)
    celery = int(
        subprocess.run(
            ["pgrep", "-P", str(worker.process.pid)], capture_output=True, text=True, check=True
        ).stdout.split()[0]
    )

    # when the worker exits for good (as it did after a Redis outage) and tickets come in
    os.kill(celery, signal.SIGKILL)
    tickets = _new_tickets(3)

    # then it is started again and every receipt goes out once
    wait_until(lambda: worker.output().count("ready.") == 2, 60)
    messages = lab.mail.recorder.wait_for(3, timeout=60)
    assert _recipients(messages) == sorted(t.requester.email for t in tickets)
    assert "starting it again" in worker.output()


def test_a_channel_used_after_its_connection_closed_fails_as_a_connection_error(lab):
    """The cause of a worker's exit after an outage (helpdesk/kombu_fix.py), reproduced on a
    real Redis: a message received on a channel whose connection Celery has since closed."""
    from kombu import Connection, Consumer, Exchange, Queue

    connection = Connection(lab.redis.url)
    channel = connection.channel()
    queue = Queue("kombu-fix", Exchange("kombu-fix"), "kombu-fix")
    connection.Producer(channel).publish({}, exchange=queue.exchange, routing_key="kombu-fix",
                                         declare=[queue])  # fmt: skip
    received = []
    Consumer(channel, [queue], callbacks=[lambda _body, message: received.append(message)],
             accept=["json"]).consume()  # fmt: skip
    connection.drain_events(timeout=5)
    # What closing the connection leaves while the channel is still in use: no client, no pool.
    transport = channel.connection
    transport.client, channel._pool = None, None

    with pytest.raises(transport.connection_errors) as raised:
        received[0].ack()
    assert "was closed" in str(raised.value)
    channel.qos._delivered.clear()  # nothing to restore at exit
