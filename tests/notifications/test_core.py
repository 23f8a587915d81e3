"""The delivery core's contract, run against each kind that uses it (emails and webhooks): one
claim per attempt, backoff, the sweep, and the admin's retry, through the same code."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from api import webhooks
from api.models import WebhookDelivery, WebhookEndpoint
from notifications import core, outbox
from tests.factories import TicketFactory
from tickets import services
from tickets.services import Actor

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    kind: core.Kind
    sweep: object
    admin_url: str
    delivered: str

    def make(self):
        raise NotImplementedError


class Emails(Case):
    def make(self):
        ticket = TicketFactory()
        services.record_event(ticket, "created", Actor.customer(ticket.requester))
        return ticket.notifications.get()


class Webhooks(Case):
    def make(self):
        endpoint, _ = WebhookEndpoint.objects.get_or_create(
            name="ledger", url="http://127.0.0.1:9/hooks", events=["ticket.created"]
        )
        ticket = TicketFactory()
        return WebhookDelivery.objects.create(
            endpoint=endpoint,
            event="ticket.created",
            ticket=ticket,
            idempotency_key=f"test:{ticket.pk}",
            payload={"id": str(ticket.pk)},
        )


@pytest.fixture(params=["emails", "webhooks"])
def case(request, monkeypatch):
    if request.param == "emails":
        chosen = Emails(
            outbox.EMAILS, outbox.sweep, "admin:tickets_notification_changelist", "sent"
        )
    else:
        chosen = Webhooks(
            webhooks.WEBHOOKS, webhooks.sweep, "admin:api_webhookdelivery_changelist", "delivered"
        )
    chosen.published = []

    def publish(ids, countdown=None):
        if ids:  # as the real one, an empty publication is none
            chosen.published.append((list(ids), countdown))

    monkeypatch.setattr(chosen.kind, "enqueue", publish)
    return chosen


def test_a_row_is_claimed_once_per_attempt(case):
    row = case.make()
    now = timezone.now()

    assert case.kind.claim(row.pk, now)
    assert not case.kind.claim(row.pk, now)  # a second copy of the task does nothing

    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_at) == ("sending", 1, now)


def test_a_failed_attempt_waits_its_backoff_and_is_published_with_that_countdown(case, settings):
    row = case.make()
    claimed = timezone.now()
    case.kind.claim(row.pk, claimed)
    case.published.clear()

    assert case.kind.release(row.pk, 3, claimed_at=claimed - timedelta(seconds=1)) is None
    wait = case.kind.release(row.pk, 3, claimed_at=claimed, last_error="timeout")

    base = getattr(settings, case.kind.retry_base_setting)
    assert base * 4 * 0.8 <= wait.total_seconds() <= base * 4
    row.refresh_from_db()
    assert (row.status, row.last_error, row.claimed_at) == ("pending", "timeout", None)
    assert case.published == [([row.pk], wait.total_seconds())]
    assert not case.kind.claim(row.pk, timezone.now())  # not due before its backoff
    # Released once: a claim no longer held changes nothing.
    assert case.kind.release(row.pk, 4, claimed_at=claimed) is None


def test_backoff_is_capped(case, settings):
    cap = getattr(settings, case.kind.retry_max_setting)
    assert case.kind.backoff(40).total_seconds() <= cap


def test_the_sweep_takes_back_a_dead_workers_claim_and_publishes_it(
    case, django_capture_on_commit_callbacks
):
    row = case.make()
    claimed = timezone.now()
    case.kind.claim(row.pk, claimed)
    case.published.clear()

    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(claimed + core.claim_timeout() - timedelta(seconds=1)):
            case.sweep()  # still within the hard time limit: the worker may be alive
        row.refresh_from_db()
        assert row.status == "sending"
        with time_machine.travel(claimed + core.claim_timeout() + timedelta(seconds=1)):
            case.sweep()

    row.refresh_from_db()
    assert row.status == "pending"
    assert case.published == [([row.pk], None)]


def test_the_sweep_publishes_a_row_no_worker_took_once(
    case, settings, django_capture_on_commit_callbacks
):
    row = case.make()
    case.published.clear()
    pickup = timedelta(seconds=getattr(settings, case.kind.pickup_setting) + 1)

    later = timezone.now() + pickup
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(later):
        case.sweep()
        case.sweep()  # the first marked it published: no copy

    assert case.published == [([row.pk], None)]


def test_retry_resends_failed_rows_only_and_names_who(case, admin_user):
    failed, delivered, pending = case.make(), case.make(), case.make()
    type(failed).objects.filter(pk=failed.pk).update(status="failed", attempts=8)
    type(failed).objects.filter(pk=delivered.pk).update(status=case.delivered)

    assert case.kind.retry([failed.pk, delivered.pk, pending.pk], by=admin_user) == 1

    failed.refresh_from_db()
    delivered.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)
    assert admin_user.email in failed.last_error
    assert delivered.status == case.delivered


def test_the_admin_retries_from_the_list(case, admin_client, django_capture_on_commit_callbacks):
    failed, delivered = case.make(), case.make()
    type(failed).objects.filter(pk=failed.pk).update(status="failed")
    type(failed).objects.filter(pk=delivered.pk).update(status=case.delivered)
    case.published.clear()

    listing = admin_client.get(reverse(case.admin_url))
    assert listing.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(case.admin_url),
            {"action": "retry", "_selected_action": [failed.pk, delivered.pk]},
            follow=True,
        )

    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert any("1 " in message and "again" in message for message in shown), shown
    assert any("never sent again" in message for message in shown), shown
    assert case.published == [([failed.pk], None)]
    failed.refresh_from_db()
    assert failed.status == "pending"


def test_rows_cannot_be_added_or_deleted_in_the_admin(case, admin_client):
    row = case.make()
    model = type(row)._meta
    add = reverse(f"admin:{model.app_label}_{model.model_name}_add")
    delete = reverse(f"admin:{model.app_label}_{model.model_name}_delete", args=[row.pk])

    assert admin_client.get(add).status_code == 403
    assert admin_client.get(delete).status_code == 403
