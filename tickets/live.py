"""Live updates to open staff pages: what changed, pushed to the pages that show it.

Any app may publish; the staff app's WebSocket consumers (staff/live.py) deliver. A message is
sent after the transaction commits (a rolled-back change is never announced) and never raises:
a page that misses one catches up by polling, while the write it announces has already landed.

Groups:
- ``ticket_group(id)``: every page showing that ticket (presence, typing, new messages, fields);
- ``queue_group(id)``: every queue page that may list tickets of that queue (new tickets);
- ``user_group(id)``: every page of one staff member (notifications, the unread count).
"""

import asyncio
import logging
import os
import threading

from django.db import transaction

logger = logging.getLogger(__name__)


def ticket_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}"


def queue_group(queue_id: int) -> str:
    return f"queue.{queue_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def publish(group: str, event: str, **payload) -> None:
    """Send ``{"event": event, **payload}`` to `group` once the current transaction commits.

    The payload must be JSON-serialisable and hold no personal data the group's members may not
    see: consumers forward it to the browser as it is.
    """
    transaction.on_commit(lambda: send_now(group, event, **payload))


def send_now(group: str, event: str, **payload) -> None:
    """Send at once (outside a transaction, or for presence, which nothing rolls back)."""
    try:
        from channels.layers import InMemoryChannelLayer, get_channel_layer

        layer = get_channel_layer()
        if layer is None:
            return
        message = {"type": "live.event", "event": event, "payload": payload}
        if isinstance(layer, InMemoryChannelLayer):
            # One process's memory (make run without Redis): async_to_sync runs the send on
            # the server's own event loop, where the consumers' queues live.
            from asgiref.sync import async_to_sync

            async_to_sync(layer.group_send)(group, message)
        else:
            asyncio.run_coroutine_threadsafe(
                layer.group_send(group, message), _sending_loop()
            ).result(timeout=SEND_TIMEOUT_SECONDS)
    except Exception:  # a lost live message must never fail the change it tells
        logger.warning("live update to %s not sent", group, exc_info=True)


SEND_TIMEOUT_SECONDS = 3
_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_loop_pid: int | None = None


def _sending_loop() -> asyncio.AbstractEventLoop:
    """The process's one event loop for sending, run by a daemon thread and kept. async_to_sync
    would start a loop per call, and the Redis channel layer opens a connection per loop: about
    4 ms a message, 3 messages a ticket change (an incident's resolution sends thousands). One
    kept loop keeps one connection: about 0.2 ms. Any thread may send through it (a request's
    own short-lived thread leaves nothing behind); a forked worker starts its own."""
    global _loop, _loop_pid
    with _lock:
        if _loop is None or _loop_pid != os.getpid() or _loop.is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="live-updates", daemon=True).start()
            _loop, _loop_pid = loop, os.getpid()
        return _loop
