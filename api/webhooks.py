"""Outbound webhooks: ticket.created, ticket.updated, ticket.resolved, and incident.created,
incident.updated, incident.resolved (README "API").

A WebhookDelivery row is written in the transaction of the ticket change, called from
tickets.reactions like the notification outbox (an incident's change: from incidents.signals), so a
webhook exists exactly when its change does; its delivery task is published after commit. Delivery
claims the row by compare-and-swap, so however many copies of the task run (a redelivery, the
sweep's), it is posted once per attempt; failures retry with exponential backoff, then the row is
marked failed (the admin can send it again). Receivers must still be idempotent on `id`: an endpoint
that timed out may have processed the first attempt.

Each request is signed: `X-Helpdesk-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>"
with the endpoint's secret>`. Payloads carry the ticket's state, never message text: integrators
read that through the API with their key. An incident's payload carries its public state (the texts
customers see on the banner), its conditions and its tickets' counts by status, never a customer's
data.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents import services as incident_services
from incidents.models import Incident
from notifications import core
from tickets.config_cache import ConfigCache
from tickets.models import Ticket, TicketEvent

from . import tasks  # tasks imports this module too: names are looked up when used
from .models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

Event = WebhookEndpoint.Event
Status = WebhookDelivery.Status
SIGNATURE_HEADER = "X-Helpdesk-Signature"
WEBHOOKS = core.Kind(
    model=WebhookDelivery,
    task=lambda: tasks.deliver_webhook_task,
    noun="webhook",
    retry_base_setting="WEBHOOK_RETRY_BASE_SECONDS",
    retry_max_setting="WEBHOOK_RETRY_MAX_SECONDS",
    pickup_setting="WEBHOOK_PICKUP_SECONDS",
)

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


# The active endpoints, read once per process until an admin changes one (config_cache).
ENDPOINTS = ConfigCache(
    "webhook-endpoints", lambda: list(WebhookEndpoint.objects.filter(is_active=True))
).watch(WebhookEndpoint)


def _active_endpoints() -> list[WebhookEndpoint]:
    return ENDPOINTS.get()


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
    change = {
        "kind": event.kind,
        "field": event.field,
        "old": event.old_value,
        "new": event.new_value,
    }
    body = {"change": change, "ticket": ticket_state(ticket)}
    _write_deliveries(endpoints, name, str(ticket.pk), occurred, body, ticket=ticket)


def _write_deliveries(
    endpoints: list[WebhookEndpoint], name: str, scope: str, occurred: str, body: dict, **about
) -> None:
    """One delivery per endpoint, keyed by endpoint, what it is about (`scope`), event and
    instant, in the caller's transaction; published after commit."""
    written = []
    for endpoint in endpoints:
        key = f"{endpoint.pk}:{scope}:{name}:{occurred}"
        delivery_id = hashlib.sha256(key.encode()).hexdigest()[:32]
        payload = {"id": delivery_id, "event": name, "occurred_at": occurred, **body}
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    endpoint=endpoint,
                    event=name,
                    idempotency_key=key,
                    payload=payload,
                    enqueued_at=timezone.now(),
                    **about,
                )
        except IntegrityError:
            continue  # this change was already announced to this endpoint
        written.append(delivery.pk)
    if written:
        WEBHOOKS.enqueue_on_commit(written)


def incident_state(incident: Incident) -> dict:
    """What an integrator's status tooling needs: the public texts, the conditions and the
    tickets' counts by status (numbers only; never a ticket or a customer)."""

    def iso(value):
        return value.isoformat() if value else None

    languages = incident_services.LANGUAGES
    return {
        "id": incident.pk,
        "status": incident.status,
        "title": {lang: getattr(incident, f"title_{lang}") for lang in languages},
        "message": {lang: getattr(incident, f"message_{lang}") for lang in languages},
        "conditions": {
            "categories": sorted(incident.categories.values_list("pk", flat=True)),
            "payment_methods": list(incident.payment_methods or []),
            "banks": list(incident.banks or []),
            "merchants": list(incident.merchants or []),
        },
        "match_new_tickets": incident.match_new_tickets,
        "show_banner": incident.show_banner,
        "started_at": iso(incident.started_at),
        "expected_end_at": iso(incident.expected_end_at),
        "resolved_at": iso(incident.resolved_at),
        "ticket_counts": incident_services.counts_by_status(incident),
        "url": f"{settings.SITE_URL}/api/v1/incidents/{incident.pk}/",
    }


def on_incident_changed(incident: Incident, name: str, at) -> None:
    """Called by incidents.signals inside the transaction of the change: one delivery per
    active endpoint subscribed to `name`, keyed by endpoint, incident, event and instant."""
    endpoints = [endpoint for endpoint in _active_endpoints() if name in (endpoint.events or [])]
    if not endpoints:
        return
    body = {"incident": incident_state(incident)}
    _write_deliveries(
        endpoints, name, f"incident-{incident.pk}", at.isoformat(), body, incident=incident
    )


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


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
    if not WEBHOOKS.claim(delivery_id, now):
        return "skipped"  # another worker has it, it is done, or its retry is not due yet
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    mine = WebhookDelivery.objects.filter(pk=delivery_id, status=Status.SENDING, claimed_at=now)
    if not delivery.endpoint.is_active:
        # Switched off (a leaking or retired receiver): what was queued for it is not sent.
        mine.update(status=Status.FAILED, last_error="The endpoint was switched off; not sent.")
        return "failed"
    code, error = post(delivery)
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
    wait = WEBHOOKS.release(
        delivery_id, delivery.attempts, claimed_at=now, response_status=code, last_error=error
    )
    logger.info(
        "webhook %s attempt %s: %s; retry in %s", delivery_id, delivery.attempts, error, wait
    )
    return "retry"


def sweep(*, now=None) -> int:
    """Every minute (beat): take back dead workers' claims, publish due deliveries no worker
    took."""
    now = now or timezone.now()
    WEBHOOKS.take_back(WEBHOOKS.dead_claims(now), now)
    return WEBHOOKS.publish_due(now)


def retry(ids, *, by=None) -> int:
    """Send failed deliveries again (the admin's action)."""
    return WEBHOOKS.retry(ids, by=by)
