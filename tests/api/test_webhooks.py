"""Outbound webhooks through the outbox pattern, delivered by a real Celery worker to a real
local HTTP server, signed with the endpoint's secret."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.models import WebhookDelivery, WebhookEndpoint
from tests.notifications.processes import wait_until
from tickets import services
from tickets.models import Ticket
from tickets.services import Actor

from .conftest import signed_in
from .test_create_ticket import PAYMENT_FAILED


class Receiver:
    """An HTTP server in a thread that records what it is sent; answers from `statuses`."""

    def __init__(self, statuses=()):
        self.received: list[tuple[dict, bytes]] = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                code = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def verify(secret: str, headers: dict, body: bytes) -> bool:
    parts = dict(item.split("=", 1) for item in headers["X-Helpdesk-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(parts["v1"], expected.hexdigest())


@pytest.mark.redis
@pytest.mark.postgres
def test_it_signs_and_delivers_created_updated_and_resolved(live_worker, customer, agent):
    with Receiver() as receiver:
        endpoint = WebhookEndpoint.objects.create(
            name="CRM", url=receiver.url, events=list(WebhookEndpoint.Event.values)
        )

        # when: a ticket is created through the API, answered and resolved
        response = signed_in(customer).post("/api/v1/tickets/", PAYMENT_FAILED, format="json")
        ticket = Ticket.objects.get(reference=response.json()["reference"])
        services.change_status(ticket=ticket, status="resolved", by=Actor.agent(agent))

        # then
        wait_until(
            lambda: not WebhookDelivery.objects.exclude(status="delivered").exists(),
            timeout=30,
            what="every webhook delivered",
        )
        events = {json.loads(body)["event"] for _headers, body in receiver.received}
        assert {"ticket.created", "ticket.resolved"} <= events
        for headers, body in receiver.received:
            assert verify(endpoint.secret, headers, body)
            assert json.loads(body)["ticket"]["reference"] == ticket.reference
            assert "message" not in json.loads(body)["ticket"]
        assert not verify("whsec_wrong", *receiver.received[0])


@pytest.mark.redis
@pytest.mark.postgres
def test_it_retries_a_failing_endpoint_with_backoff_then_delivers(
    live_worker, ticket, agent, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 1
    with Receiver(statuses=[500, 503]) as receiver:
        WebhookEndpoint.objects.create(name="CRM", url=receiver.url, events=["ticket.updated"])

        services.change_priority(ticket=ticket, priority=4, by=Actor.agent(agent))

        wait_until(
            lambda: WebhookDelivery.objects.filter(status="delivered").exists(),
            timeout=30,
            what="the delivery after two failures",
        )
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 3
    assert len(receiver.received) == 3
    assert delivery.response_status == 200
    assert delivery.delivered_at is not None


@pytest.mark.redis
@pytest.mark.postgres
def test_it_gives_up_after_the_last_attempt_and_logs_why(live_worker, ticket, agent, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 1
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with Receiver(statuses=[500, 500, 500]) as receiver:
        WebhookEndpoint.objects.create(name="CRM", url=receiver.url, events=["ticket.updated"])

        services.change_priority(ticket=ticket, priority=4, by=Actor.agent(agent))

        wait_until(
            lambda: WebhookDelivery.objects.filter(status="failed").exists(),
            timeout=30,
            what="the delivery to be marked failed",
        )
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.response_status) == (2, 500)
    assert "HTTP 500" in delivery.last_error


@pytest.mark.django_db
def test_a_rolled_back_change_sends_nothing(ticket, agent):
    WebhookEndpoint.objects.create(name="CRM", url="http://127.0.0.1:9/", events=["ticket.updated"])
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")

    with pytest.raises(services.ServiceError):
        services.change_priority(ticket=ticket, priority=4, by=Actor.agent(agent))

    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_inactive_endpoints_and_unsubscribed_events_get_nothing(ticket, agent):
    WebhookEndpoint.objects.create(name="Off", url="http://127.0.0.1:9/", is_active=False,
                                   events=["ticket.updated"])  # fmt: skip
    WebhookEndpoint.objects.create(name="Created only", url="http://127.0.0.1:9/",
                                   events=["ticket.created"])  # fmt: skip

    services.change_priority(ticket=ticket, priority=4, by=Actor.agent(agent))

    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_the_admin_lists_the_delivery_log(client, admin_user, ticket, agent):
    endpoint = WebhookEndpoint.objects.create(name="CRM", url="http://127.0.0.1:9/",
                                              events=["ticket.updated"])  # fmt: skip
    WebhookDelivery.objects.create(endpoint=endpoint, event="ticket.updated", ticket=ticket,
                                   idempotency_key="k", payload={}, status="failed")  # fmt: skip
    client.force_login(admin_user)

    assert client.get("/admin/api/webhookdelivery/").status_code == 200
    assert client.get("/admin/api/webhookendpoint/add/").status_code == 200
    assert client.get("/admin/api/apikey/add/").status_code == 200


@pytest.mark.django_db
def test_a_switched_off_endpoint_gets_nothing_more_and_cannot_be_deleted(admin_client):
    from api import webhooks

    with Receiver() as receiver:
        endpoint = WebhookEndpoint.objects.create(
            name="CRM", url=receiver.url, events=["ticket.updated"]
        )
        queued = WebhookDelivery.objects.create(
            endpoint=endpoint, event="ticket.updated", idempotency_key="k", payload={"id": "1"}
        )
        endpoint.is_active = False
        endpoint.save()

        assert webhooks.deliver(queued.pk) == "failed"

    assert receiver.received == []
    queued.refresh_from_db()
    assert "switched off" in queued.last_error
    delete = f"/admin/api/webhookendpoint/{endpoint.pk}/delete/"
    assert admin_client.get(delete).status_code == 403
