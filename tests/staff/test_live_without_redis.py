"""Redis down never fails a ticket write: the live update it would announce is dropped (logged),
the change lands, and the pages catch up by polling (tickets/live.py)."""

import logging
import socket
import threading

import pytest
from django.db import connections

from tickets.models import Message

pytestmark = [pytest.mark.django_db(transaction=True)]


def dead_redis_url() -> str:
    """A local port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def in_thread(function):
    """As a server runs a view: on a thread with no event loop of its own running (Playwright
    may keep one on the test's thread, where the layer would not even be tried)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = function()
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    return outcome["value"]


def test_an_agent_note_lands_when_the_channel_layer_cannot_reach_redis(
    client, agent, ticket, settings, caplog
):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [
                    {"address": dead_redis_url(), "socket_connect_timeout": 1, "socket_timeout": 1}
                ]
            },
        }
    }
    client.force_login(agent)
    seen = ticket.messages.latest("pk").pk
    caplog.set_level(logging.WARNING, logger="tickets.live")

    response = in_thread(
        lambda: client.post(
            f"/staff/tickets/{ticket.reference}/reply/",
            {"body": "Sudah dicek, dana kembali 1x24 jam", "kind": "internal", "seen": seen},
        )
    )

    assert response.status_code == 302
    assert Message.objects.filter(
        ticket=ticket, body="Sudah dicek, dana kembali 1x24 jam", kind="internal"
    ).exists()
    # The layer was tried and failed to connect: not skipped for some other reason.
    failures = [r for r in caplog.records if r.name == "tickets.live"]
    assert failures, "the live update was not even attempted"
    # (The redacting log filter turns the exception into exc_text.)
    assert all("ConnectionError" in (r.exc_text or repr(r.exc_info)) for r in failures)
