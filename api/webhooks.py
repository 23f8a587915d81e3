"""Outbound webhooks: ticket.created, ticket.updated, ticket.resolved (README "API").

A WebhookDelivery row is written in the transaction of the ticket change, called from
tickets.reactions like the notification outbox, so a webhook exists exactly when its change
does; its delivery task is published after commit. Delivery claims the row by compare-and-swap,
so however many copies of the task run (a redelivery, the sweep's), it is posted once per
attempt; failures retry with exponential backoff, then the row is marked failed (the admin can
send it again). Receivers must still be idempotent on `id`: an endpoint that timed out may have
processed the first attempt.

Each request is signed: `X-Helpdesk-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<body>" with the endpoint's secret>`. Payloads carry the ticket's state, never message
text: integrators read that through the API with their key.
"""

import hashlib
import hmac
import json
import logging
import random
import time
import urllib.error
import urllib.request
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from notifications import outbox
from tickets.models import Ticket, TicketEvent

from . import tasks  # tasks imports this module too: names are looked up when used
from .models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

Event = WebhookEndpoint.Event
Status = WebhookDelivery.Status
SIGNATURE_HEADER = "X-Helpdesk-Signature"
# At most this many rows are published per sweep, oldest first (see the outbox's SWEEP_BATCH).
SWEEP_BATCH = 500
# A delivery not taken by a worker this long after it was published is published again.
PICKUP_SECONDS = 60

# Ticket event kinds integrators hear about as ticket.updated (internal notes, redactions and
# link emails are not theirs to know).
UPDATED_KINDS = {
    TicketEvent.Kind.STATUS,
    TicketEvent.Kind.PRIORITY,
    TicketEvent.Kind.CATEGORY,
    TicketEvent.Kind.QUEUE,
    TicketEvent.Kind.ASSIGNEE,
    TicketEvent.Kind.REPLIED,
    TicketEvent.Kind.CUSTOMER_REPLIED,
    TicketEvent.Kind.TAGS,
    TicketEvent.Kind.MERGED,
    TicketEvent.Kind.MERGED_FROM,
    TicketEvent.Kind.ESCALATED,
    TicketEvent.Kind.CSAT,
}


def _active_endpoints() -> list[WebhookEndpoint]:
    """The active endpoints; in an outbox batch (a sweep, a bulk action) read once."""
    memo = outbox.batch_memo()
    if memo is None:
        return list(WebhookEndpoint.objects.filter(is_active=True))
    if "webhook_endpoints" not in memo:
        memo["webhook_endpoints"] = list(WebhookEndpoint.objects.filter(is_active=True))
    return memo["webhook_endpoints"]


def event_name(event: TicketEvent) -> str | None:
    if event.kind == TicketEvent.Kind.CREATED:
        return Event.CREATED
    if event.kind == TicketEvent.Kind.STATUS and event.new_value == Ticket.Status.RESOLVED:
        return Event.RESOLVED
    if event.kind in UPDATED_KINDS:
        return Event.UPDATED
    return None


def ticket_state(ticket: Ticket) -> dict:
    def iso(value):
        return value.isoformat() if value else None

    return {
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": Ticket.Priority(ticket.priority).name.lower(),
        "category": ticket.category_id,
        "queue": ticket.queue.slug,
        "channel": ticket.channel,
        "language": ticket.language,
        "transaction_reference": ticket.transaction_reference,
        "created_at": iso(ticket.created_at),
        "resolved_at": iso(ticket.resolved_at),
        "closed_at": iso(ticket.closed_at),
        "url": f"{settings.SITE_URL}/api/v1/tickets/{ticket.reference}/",
    }


def on_ticket_event(event: TicketEvent) -> None:
    """Called by tickets.reactions inside the transaction that recorded `event`."""
    name = event_name(event)
    if name is None:
        return
    endpoints = [endpoint for endpoint in _active_endpoints() if name in (endpoint.events or [])]
    if not endpoints:
        return
    ticket = event.ticket
    # One delivery per endpoint, ticket, event and instant: the events a service writes for one
    # change share its instant (a reply that also sets a status is one ticket.updated).
    occurred = event.created_at.isoformat()
    written = []
    for endpoint in endpoints:
        key = f"{endpoint.pk}:{ticket.pk}:{name}:{occurred}"
        delivery_id = hashlib.sha256(key.encode()).hexdigest()[:32]
        payload = {
            "id": delivery_id,
            "event": name,
            "occurred_at": occurred,
            "change": {
                "kind": event.kind,
                "field": event.field,
                "old": event.old_value,
                "new": event.new_value,
            },
            "ticket": ticket_state(ticket),
        }
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    endpoint=endpoint,
                    event=name,
                    ticket=ticket,
                    idempotency_key=key,
                    payload=payload,
                    enqueued_at=timezone.now(),
                )
        except IntegrityError:
            continue  # this change was already announced to this endpoint
        written.append(delivery.pk)
    if written:
        transaction.on_commit(partial(enqueue, written))


def enqueue(ids: list[int], *, countdown: float | None = None) -> None:
    """Publish delivery tasks; a broker outage leaves the rows to the sweep."""
    try:
        for pk in ids:
            tasks.deliver_webhook_task.apply_async((pk,), countdown=countdown)
    except BrokerError as error:
        logger.warning("broker unavailable (%s); %d webhook(s) left to the sweep", error, len(ids))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def backoff(attempts: int) -> timedelta:
    seconds = min(
        settings.WEBHOOK_RETRY_MAX_SECONDS,
        settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0),
    )
    return timedelta(seconds=seconds * random.uniform(0.8, 1.0))


def post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the payload; (HTTP status or None, error text or "")."""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "wallet-helpdesk-webhooks/1",
            "X-Helpdesk-Event": delivery.event,
            "X-Helpdesk-Delivery": delivery.payload.get("id", ""),
            SIGNATURE_HEADER: sign(delivery.endpoint.secret, int(time.time()), body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"[:1000]
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, f"{type(error).__name__}: {error}"[:1000]


def deliver(delivery_id: int) -> str:
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=Status.PENDING, next_attempt_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"  # another worker has it, it is done, or its retry is not due yet
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    code, error = post(delivery)
    mine = WebhookDelivery.objects.filter(pk=delivery_id, status=Status.SENDING, claimed_at=now)
    if code is not None and 200 <= code < 300:
        mine.update(
            status=Status.DELIVERED,
            response_status=code,
            delivered_at=timezone.now(),
            last_error="",
        )
        logger.info("webhook %s %s delivered (%s)", delivery_id, delivery.event, code)
        return "delivered"
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        mine.update(status=Status.FAILED, response_status=code, last_error=error)
        logger.warning("webhook %s failed for good: %s", delivery_id, error)
        return "failed"
    wait = backoff(delivery.attempts)
    retry_at = timezone.now() + wait
    if mine.update(
        status=Status.PENDING,
        response_status=code,
        last_error=error,
        next_attempt_at=retry_at,
        enqueued_at=retry_at,
        claimed_at=None,
    ):
        enqueue([delivery_id], countdown=wait.total_seconds())
    logger.info(
        "webhook %s attempt %s: %s; retry in %s", delivery_id, delivery.attempts, error, wait
    )
    return "retry"


def sweep(*, now=None) -> int:
    """Every minute (beat): publish due deliveries no worker took, take back dead workers'."""
    now = now or timezone.now()
    stale_claim = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 30)
    WebhookDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=stale_claim).update(
        status=Status.PENDING, next_attempt_at=now, enqueued_at=None, claimed_at=None
    )
    picked_up_by = now - timedelta(seconds=PICKUP_SECONDS)
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=picked_up_by))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(enqueued_at=now)
        transaction.on_commit(partial(enqueue, ids))
    return len(ids)


def retry(ids) -> int:
    """Send failed deliveries again (the admin's action)."""
    now = timezone.now()
    with transaction.atomic():
        reset = list(
            WebhookDelivery.objects.select_for_update()
            .filter(pk__in=list(ids), status=Status.FAILED)
            .values_list("pk", flat=True)
        )
        WebhookDelivery.objects.filter(pk__in=reset).update(
            status=Status.PENDING, attempts=0, next_attempt_at=now, enqueued_at=now
        )
        transaction.on_commit(partial(enqueue, reset))
    return len(reset)
