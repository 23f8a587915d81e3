"""outbox.batch(): many notifications, one insert, the same once-only and threading rules."""

import pytest
from django.db import transaction

from notifications import outbox
from tickets.models import Notification

pytestmark = pytest.mark.django_db

AGENT_TEMPLATE = Notification.Template.SLA_BREACH


def _notify(ticket, key, recipient="budi@example.com"):
    return outbox.notify(
        ticket=ticket, template=AGENT_TEMPLATE, recipient=recipient, language="en", key=key
    )


def test_it_writes_the_collected_rows_once_per_key(ticket):
    _notify(ticket, "sla:1:breach:before")

    with outbox.batch():
        for key in ("sla:1:breach:before", "sla:1:breach:a", "sla:1:breach:a", "sla:1:breach:b"):
            _notify(ticket, key)

    keys = sorted(Notification.objects.values_list("idempotency_key", flat=True))
    assert keys == ["sla:1:breach:a", "sla:1:breach:b", "sla:1:breach:before"]


def test_rows_of_one_batch_thread_after_each_other_and_after_earlier_emails(ticket):
    earlier = _notify(ticket, "first")

    with outbox.batch():
        _notify(ticket, "second")
        _notify(ticket, "third")

    second = Notification.objects.get(idempotency_key="second")
    third = Notification.objects.get(idempotency_key="third")
    assert second.in_reply_to == earlier.message_id
    assert third.references.split() == [earlier.message_id, second.message_id]


def test_nothing_is_written_when_the_block_fails(ticket):
    def failing_batch():
        with transaction.atomic(), outbox.batch():
            _notify(ticket, "lost")
            raise RuntimeError("the sweep's batch failed")

    with pytest.raises(RuntimeError):
        failing_batch()

    assert not Notification.objects.exists()


def test_due_rows_are_published_after_commit(
    ticket, django_capture_on_commit_callbacks, monkeypatch
):
    published = []
    monkeypatch.setattr(outbox.EMAILS, "enqueue", lambda ids, **kw: published.extend(ids))

    with django_capture_on_commit_callbacks(execute=True), outbox.batch():
        _notify(ticket, "due-now")

    assert published == list(Notification.objects.values_list("pk", flat=True))
