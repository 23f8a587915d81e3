"""The retention task on a fixed clock: each period, idempotent, and --dry-run changes nothing."""

import os
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from audit.models import AuditEntry
from privacy.models import RetentionPolicy
from privacy.tasks import apply_retention_task
from tests.factories import TicketFactory
from tickets.models import Attachment, Message, Ticket

from .conftest import attach

pytestmark = pytest.mark.postgres

NOW = datetime(2031, 6, 1, 3, 0, tzinfo=UTC)


def closed_ticket(requester, *, closed_days_ago: int) -> Ticket:
    at = NOW - timedelta(days=closed_days_ago)
    ticket = TicketFactory(
        requester=requester,
        status=Ticket.Status.CLOSED,
        status_changed_at=at,
        closed_at=at,
        created_at=at - timedelta(days=3),
        details={"amount": "45000", "registered_phone": "+6281299887766"},
        subject="My card 4111 was charged twice",
    )
    attach(ticket, ticket.messages.get())
    return ticket


@pytest.fixture
def policy(db):
    RetentionPolicy(attachment_days=30, message_years=2, audit_years=3).save()


@pytest.fixture
def tickets(customer, policy):
    return {
        "fresh": closed_ticket(customer.contact, closed_days_ago=10),
        "files_due": closed_ticket(customer.contact, closed_days_ago=40),
        "texts_due": closed_ticket(customer.contact, closed_days_ago=3 * 365),
        "open": TicketFactory(requester=customer.contact, status=Ticket.Status.OPEN),
    }


@pytest.fixture
def audit_rows(db):
    old = AuditEntry.objects.create(kind="ticket_view", at=NOW - timedelta(days=4 * 365))
    recent = AuditEntry.objects.create(kind="ticket_view", at=NOW - timedelta(days=365))
    return old, recent


def removed(ticket: Ticket) -> bool:
    return Attachment.objects.get(ticket=ticket).removed_at is not None


@time_machine.travel(NOW, tick=False)
def test_it_removes_files_of_tickets_closed_longer_than_the_period(tickets, settings):
    path = Attachment.objects.get(ticket=tickets["files_due"]).file.path

    apply_retention_task.delay()

    assert removed(tickets["files_due"])
    assert removed(tickets["texts_due"])
    assert not removed(tickets["fresh"])
    attachment = Attachment.objects.get(ticket=tickets["files_due"])
    assert attachment.removed_by == "retention"
    assert not attachment.file
    assert not os.path.exists(path)


@time_machine.travel(NOW, tick=False)
def test_the_thread_says_the_file_was_removed(tickets, client, customer):
    apply_retention_task.delay()

    client.force_login(customer)
    page = client.get(f"/tickets/{tickets['files_due'].reference}/")
    assert b"Attachment removed by retention" in page.content


@time_machine.travel(NOW, tick=False)
def test_it_anonymises_texts_of_tickets_closed_longer_than_the_period(tickets):
    apply_retention_task.delay()

    old = Ticket.objects.get(pk=tickets["texts_due"].pk)
    assert old.subject == "[removed]"
    assert old.anonymised_at == NOW
    assert old.details == {"amount": "45000", "registered_phone": ""}
    assert set(Message.objects.filter(ticket=old).values_list("body", flat=True)) == {"[removed]"}
    assert old.status == Ticket.Status.CLOSED
    assert old.category_id == "payment_failed"
    for key in ("files_due", "fresh", "open"):
        ticket = Ticket.objects.get(pk=tickets[key].pk)
        assert ticket.anonymised_at is None
        assert ticket.subject != "[removed]"


@time_machine.travel(NOW, tick=False)
def test_it_purges_audit_rows_older_than_the_period(tickets, audit_rows):
    old, recent = audit_rows

    apply_retention_task.delay()

    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()


@time_machine.travel(NOW, tick=False)
def test_a_second_run_changes_nothing(tickets, audit_rows):
    first = apply_retention_task.delay().get()
    state = list(Ticket.objects.order_by("pk").values_list("subject", "anonymised_at"))

    second = apply_retention_task.delay().get()

    assert first == {"attachments": 2, "tickets": 1, "audit": 1}
    assert second == {"attachments": 0, "tickets": 0, "audit": 0}
    assert list(Ticket.objects.order_by("pk").values_list("subject", "anonymised_at")) == state


@time_machine.travel(NOW, tick=False)
def test_dry_run_counts_and_changes_nothing(tickets, audit_rows):
    out = StringIO()

    call_command("apply_retention", "--dry-run", stdout=out)

    assert "attachments: 2 would be deleted" in out.getvalue()
    assert "closed tickets: 1 would be anonymised" in out.getvalue()
    assert "audit rows: 1 would be purged" in out.getvalue()
    assert not Attachment.objects.filter(removed_at__isnull=False).exists()
    assert not Ticket.objects.filter(anonymised_at__isnull=False).exists()
    assert AuditEntry.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_the_command_applies_the_policy(tickets, audit_rows):
    out = StringIO()

    call_command("apply_retention", stdout=out)

    assert "closed tickets: 1 were anonymised" in out.getvalue()
    assert Ticket.objects.filter(anonymised_at__isnull=False).count() == 1


def test_the_defaults_apply_without_a_saved_policy(db):
    policy = RetentionPolicy.current()
    assert (policy.attachment_days, policy.message_years, policy.audit_years) == (180, 5, 5)


def test_the_task_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention"]
    assert entry["task"] == "privacy.tasks.apply_retention_task"


def test_an_admin_sets_the_periods_in_the_django_admin(client, admin_user):
    client.force_login(admin_user)

    page = client.get("/admin/privacy/retentionpolicy/", follow=True)
    assert page.status_code == 200
    saved = client.post(
        "/admin/privacy/retentionpolicy/1/change/",
        {"attachment_days": 90, "message_years": 7, "audit_years": 6},
    )

    assert saved.status_code == 302
    policy = RetentionPolicy.current()
    assert (policy.attachment_days, policy.message_years, policy.audit_years) == (90, 7, 6)
