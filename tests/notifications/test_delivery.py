"""Delivering one notification to a real SMTP server: at most once, retried with backoff on a
temporary failure, failed with the reason on a permanent one (docs/design.md section 7)."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from notifications import delivery, outbox
from tests.factories import TicketFactory
from tickets import services
from tickets.models import Notification
from tickets.services import Actor

from .mailserver import Hold, free_port

Status = Notification.Status


@pytest.fixture
def receipt(db, monkeypatch):
    """A pending receipt whose delivery is never published: the tests deliver it themselves."""
    monkeypatch.setattr(outbox.EMAILS, "enqueue", lambda ids, countdown=None: False)
    ticket = TicketFactory()
    services.record_event(ticket, "created", Actor.customer(ticket.requester))
    return ticket.notifications.get()


def _reload(notification: Notification) -> Notification:
    notification.refresh_from_db()
    return notification


def test_it_sends_a_notification_and_marks_it_sent(smtp, receipt):
    assert delivery.deliver(receipt.pk) == delivery.Result.SENT

    (message,) = smtp.messages
    assert message["Message-ID"] == receipt.message_id
    assert message["To"] == receipt.recipient
    receipt = _reload(receipt)
    assert (receipt.status, receipt.attempts, receipt.last_error) == (Status.SENT, 1, "")
    assert receipt.sent_at is not None
    assert receipt.handed_over_at is not None  # recorded just before the final "."


def test_it_never_sends_a_sent_notification_again(smtp, receipt):
    delivery.deliver(receipt.pk)

    assert delivery.deliver(receipt.pk) == delivery.Result.SKIPPED
    assert outbox.retry([receipt.pk]) == 0
    assert len(smtp.messages) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_sends_once_when_two_workers_deliver_the_same_notification_at_once(smtp, receipt):
    barrier = threading.Barrier(2)
    results = []

    def worker() -> None:
        barrier.wait()
        try:
            results.append(delivery.deliver(receipt.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(results) == [delivery.Result.SENT, delivery.Result.SKIPPED]
    assert len(smtp.messages) == 1


def test_it_retries_a_temporary_failure_with_backoff(smtp, receipt, settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 30
    smtp.rcpt_replies = ["451 4.7.1 Greylisted, try again later"]

    assert delivery.deliver(receipt.pk) == delivery.Result.RETRY

    receipt = _reload(receipt)
    assert receipt.status == Status.PENDING
    assert receipt.attempts == 1
    assert receipt.last_error == "451 4.7.1 Greylisted, try again later"
    wait = (receipt.next_attempt_at - timezone.now()).total_seconds()
    assert 20 < wait <= 30
    # not due yet: a copy of the task (the countdown one, the sweep's) does nothing
    assert delivery.deliver(receipt.pk) == delivery.Result.SKIPPED
    with time_machine.travel(receipt.next_attempt_at + timedelta(seconds=1)):
        assert delivery.deliver(receipt.pk) == delivery.Result.SENT
    assert _reload(receipt).attempts == 2
    assert len(smtp.messages) == 1


def test_it_retries_when_the_mail_server_is_down(smtp, receipt, settings):
    settings.EMAIL_PORT = free_port()  # nothing listens there

    assert delivery.deliver(receipt.pk) == delivery.Result.RETRY

    assert _reload(receipt).last_error.startswith("ConnectionRefusedError")


def test_it_marks_a_permanent_failure_failed_with_the_reason(smtp, receipt):
    smtp.refuse[receipt.recipient] = "550 5.1.1 <nobody@example.net>: User unknown"

    assert delivery.deliver(receipt.pk) == delivery.Result.FAILED

    receipt = _reload(receipt)
    assert receipt.status == Status.FAILED
    assert receipt.last_error == "550 5.1.1 <nobody@example.net>: User unknown"
    assert receipt.attempts == 1


def test_it_retries_a_refused_message_body_when_the_refusal_is_temporary(smtp, receipt):
    smtp.data_replies = ["452 4.3.1 Insufficient system storage"]

    assert delivery.deliver(receipt.pk) == delivery.Result.RETRY
    assert _reload(receipt).last_error == "452 4.3.1 Insufficient system storage"


def test_it_gives_up_after_the_last_attempt(smtp, receipt, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    smtp.rcpt_replies = ["421 4.3.2 Service shutting down"] * 3

    for _ in range(3):
        with time_machine.travel(_reload(receipt).next_attempt_at + timedelta(seconds=1)):
            delivery.deliver(receipt.pk)

    receipt = _reload(receipt)
    assert receipt.status == Status.FAILED
    assert receipt.last_error == "Gave up after 3 attempts. Last: 421 4.3.2 Service shutting down"


def test_it_doubles_the_wait_up_to_the_cap(settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 600

    waits = [outbox.EMAILS.backoff(attempt).total_seconds() for attempt in range(1, 8)]

    for wait, full in zip(waits, [30, 60, 120, 240, 480, 600, 600], strict=True):
        assert 0.8 * full <= wait <= full


def test_it_keeps_retrying_when_the_login_is_refused():
    import smtplib

    failure = delivery.classify(smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"))

    assert failure.temporary
    assert failure.reason == "535 5.7.8 Bad credentials"


def test_it_leaves_a_message_that_got_no_answer_after_the_last_line_unconfirmed(
    smtp, receipt, settings
):
    settings.EMAIL_TIMEOUT = 1
    smtp.hold_data = Hold(nth=1)  # the server has the message and never answers in time

    assert delivery.deliver(receipt.pk) == delivery.Result.UNCONFIRMED

    smtp.hold_data.release.set()
    receipt = _reload(receipt)
    assert receipt.status == Status.UNCONFIRMED
    assert "sent once more later with the same Message-ID" in receipt.last_error
    assert receipt.next_attempt_at > timezone.now()  # the outbox sweep sends it then
    assert len(smtp.messages) == 1


def test_it_fails_a_notification_that_cannot_be_rendered(smtp, receipt):
    Notification.objects.filter(pk=receipt.pk).update(template="no_such_template")

    assert delivery.deliver(receipt.pk) == delivery.Result.FAILED

    assert _reload(receipt).last_error.startswith(
        "Could not render the email: TemplateDoesNotExist"
    )
    assert smtp.messages == []


def test_it_sends_a_failed_notification_again_when_an_admin_retries_it(
    smtp, receipt, django_capture_on_commit_callbacks
):
    smtp.refuse[receipt.recipient] = "550 5.1.1 User unknown"
    delivery.deliver(receipt.pk)
    del smtp.refuse[receipt.recipient]

    with django_capture_on_commit_callbacks() as published:
        assert outbox.retry([receipt.pk]) == 1
    assert len(published) == 1
    delivery.deliver(receipt.pk)  # what the published task does

    receipt = _reload(receipt)
    assert receipt.status == Status.SENT
    assert receipt.attempts == 1  # a fresh series of attempts
    assert len(smtp.messages) == 1


def test_it_leaves_the_claim_to_the_sweep_when_the_database_fails_while_rendering(
    smtp, receipt, monkeypatch
):
    from django.db import OperationalError

    def database_gone(notification):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(delivery, "email_context", database_gone)

    with pytest.raises(OperationalError):
        delivery.deliver(receipt.pk)

    receipt = _reload(receipt)
    assert (receipt.status, receipt.handed_over_at) == (Status.SENDING, None)  # resent later


def test_it_stops_before_the_last_line_when_its_claim_was_taken_back(smtp, receipt, monkeypatch):
    real_send = delivery.EmailMultiAlternatives.send

    def send_after_the_sweep_took_the_claim(email, *args, **kwargs):
        Notification.objects.filter(pk=receipt.pk).update(status=Status.PENDING)
        return real_send(email, *args, **kwargs)

    monkeypatch.setattr(
        delivery.EmailMultiAlternatives, "send", send_after_the_sweep_took_the_claim
    )

    assert delivery.deliver(receipt.pk) == delivery.Result.SKIPPED

    assert smtp.messages == []
    assert _reload(receipt).status == Status.PENDING
