"""incident.created / incident.updated / incident.resolved webhooks: one delivery per subscribed
active endpoint, written in the transaction of the change (none when it rolls back), carrying
the incident's public state and never a customer's data, delivered and signed like ticket
events."""

import json

import pytest
from django.db import transaction

from api import webhooks
from api.models import WebhookDelivery, WebhookEndpoint
from incidents import services as incident_services
from tests.api.test_webhooks import Receiver, verify
from tests.factories import ContactFactory, TicketFactory
from tests.notifications.processes import wait_until
from tickets.events import ServiceError

from .core import declare

INCIDENT_EVENTS = ["incident.created", "incident.updated", "incident.resolved"]
NOWHERE = "http://127.0.0.1:9/hooks"


def endpoint(name: str, events=INCIDENT_EVENTS, **fields) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(name=name, url=NOWHERE, events=list(events), **fields)


def deliveries(event: str) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(event=event).select_related("endpoint"))


@pytest.mark.django_db
def test_each_event_is_written_once_per_subscribed_active_endpoint(lead):
    status_page = endpoint("Status page")
    pager = endpoint("Pager")
    endpoint("Resolved only", events=["incident.resolved"])
    endpoint("Tickets only", events=["ticket.created", "ticket.updated"])
    endpoint("Switched off", is_active=False)

    incident = declare(lead)
    incident_services.edit(incident, by=lead, banks=["BRI"])
    incident_services.post_update(
        incident, by=lead, status="identified", message_en="BRI found the cause."
    )
    incident_services.resolve(incident, by=lead, message_en="Top-ups work again.")

    created, updated, resolved = (deliveries(event) for event in INCIDENT_EVENTS)
    assert {d.endpoint for d in created} == {status_page, pager}
    assert len(created) == 2
    assert len(updated) == 4  # the edit and the update, each to both endpoints
    assert {d.endpoint.name for d in resolved} == {"Status page", "Pager", "Resolved only"}
    assert len(resolved) == 3
    for delivery in WebhookDelivery.objects.all():
        assert delivery.incident_id == incident.pk
        assert delivery.ticket_id is None
        assert delivery.payload["incident"]["id"] == incident.pk
        assert delivery.payload["event"] == delivery.event
    assert [d.payload["incident"]["status"] for d in resolved] == ["resolved"] * 3
    assert len({d.idempotency_key for d in WebhookDelivery.objects.all()}) == 9


@pytest.mark.django_db
def test_the_same_change_announced_twice_writes_one_delivery(lead):
    endpoint("Status page")
    incident = declare(lead)
    at = incident.created_at

    with transaction.atomic():
        webhooks.on_incident_changed(incident, "incident.created", at)

    assert len(deliveries("incident.created")) == 1


@pytest.mark.django_db
def test_a_rolled_back_change_writes_no_delivery(lead):
    endpoint("Status page")

    def declare_then_fail():
        with transaction.atomic():
            declare(lead)
            raise RuntimeError("the request failed after declaring")

    with pytest.raises(RuntimeError):
        declare_then_fail()

    incident = declare(lead)
    incident_services.resolve(incident, by=lead, message_en="Fixed.")
    with pytest.raises(ServiceError):
        incident_services.resolve(incident, by=lead, message_en="Fixed again.")
    with pytest.raises(ServiceError):
        incident_services.post_update(incident, by=lead, status="monitoring", message_en="Hm.")

    assert WebhookDelivery.objects.filter(event="incident.created").count() == 1
    assert WebhookDelivery.objects.filter(event="incident.resolved").count() == 1
    assert not WebhookDelivery.objects.filter(event="incident.updated").exists()


@pytest.mark.django_db
def test_the_payload_has_the_public_state_and_no_customer_data(lead, payments):
    endpoint("Status page")
    incident = declare(
        lead,
        title_id="Top up BRI tertunda",
        message_zh_hans="BRI 充值延迟。",
        payment_methods=["virtual_account"],
        banks=["BRI"],
    )
    customer = ContactFactory(email="siti.rahma@example.org", name="Siti Rahmawati")
    linked = TicketFactory(
        queue=payments,
        requester=customer,
        subject="Saldo Siti belum masuk",
        details={"transaction_reference": "TRX-20261121-8F3K2Q", "bank": "BRI"},
    )
    TicketFactory(queue=payments, requester=customer)
    incident_services.link([linked], incident, by=lead)

    incident_services.post_update(
        incident, by=lead, status="monitoring", message_en="Credited; watching."
    )

    (delivery,) = deliveries("incident.updated")
    state = delivery.payload["incident"]
    assert state["title"] == {
        "id": "Top up BRI tertunda",
        "en": incident.title_en,
        "zh_hans": "",
    }
    assert state["message"]["zh_hans"] == "BRI 充值延迟。"
    assert state["conditions"] == {
        "categories": ["payment_failed"],
        "payment_methods": ["virtual_account"],
        "banks": ["BRI"],
        "merchants": [],
    }
    assert state["status"] == "monitoring"
    assert state["ticket_counts"]["new"] == 1
    assert state["started_at"] == incident.started_at.isoformat()
    assert state["resolved_at"] is None
    assert state["url"].endswith(f"/api/v1/incidents/{incident.pk}/")
    text = json.dumps(delivery.payload)
    for secret in (
        customer.email,
        customer.name,
        "Siti",
        linked.reference,
        linked.subject,
        "TRX-20261121-8F3K2Q",
        lead.email,
    ):
        assert secret not in text


@pytest.mark.django_db
def test_the_sweep_delivers_a_pending_incident_delivery(lead, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        hook = WebhookEndpoint.objects.create(
            name="Status page", url=receiver.url, events=["incident.created"]
        )
        incident = declare(lead)  # its after-commit publish never runs in this test
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "pending"
        WebhookDelivery.objects.filter(pk=delivery.pk).update(enqueued_at=None)

        with django_capture_on_commit_callbacks(execute=True):
            assert webhooks.sweep() == 1

    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    ((headers, body),) = receiver.received
    assert verify(hook.secret, headers, body)
    assert json.loads(body)["incident"]["id"] == incident.pk
    assert headers["X-Helpdesk-Event"] == "incident.created"


@pytest.mark.django_db
def test_the_admin_lists_incident_deliveries_without_a_ticket(admin_client, lead):
    endpoint("Status page")
    incident = declare(lead)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed")

    listing = admin_client.get("/admin/api/webhookdelivery/")
    page = admin_client.get(f"/admin/api/webhookdelivery/{delivery.pk}/change/")
    retried = admin_client.post(
        "/admin/api/webhookdelivery/",
        {"action": "retry", "_selected_action": [delivery.pk]},
    )

    assert listing.status_code == 200
    assert str(incident) in listing.content.decode()
    assert page.status_code == 200
    assert retried.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending"


@pytest.mark.redis
@pytest.mark.postgres
def test_incident_events_are_delivered_and_signed_by_a_real_worker(live_worker, lead):
    with Receiver() as receiver:
        hook = WebhookEndpoint.objects.create(
            name="Status page", url=receiver.url, events=INCIDENT_EVENTS
        )

        incident = declare(lead)
        incident_services.post_update(
            incident, by=lead, status="identified", message_en="BRI found the cause."
        )
        incident_services.resolve(incident, by=lead, message_en="Top-ups work again.")

        wait_until(
            lambda: WebhookDelivery.objects.filter(status="delivered").count() == 3,
            timeout=30,
            what="the three incident webhooks delivered",
        )

    received = sorted(
        (json.loads(body)["occurred_at"], json.loads(body)["event"], headers, body)
        for headers, body in receiver.received
    )
    assert [event for _at, event, _h, _b in received] == INCIDENT_EVENTS
    for _at, event, headers, body in received:
        assert verify(hook.secret, headers, body)
        assert headers["X-Helpdesk-Event"] == event
        assert json.loads(body)["incident"]["id"] == incident.pk
