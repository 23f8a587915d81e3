"""Live updates to open staff pages: what changed, pushed to the pages that show it.

Any app may publish; the staff app's WebSocket consumers (staff/live.py) deliver. A message is
sent after the transaction commits (a rolled-back change is never announced) and never raises:
a page that misses one catches up by polling, while the write it announces has already landed.

Groups:
- ``ticket_group(id)``: every page showing that ticket (presence, typing, new messages, fields);
- ``queue_group(id)``: every queue page that may list tickets of that queue (new tickets);
- ``user_group(id)``: every page of one staff member (notifications, the unread count).
"""

import logging

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
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        if layer is None:
            return
        async_to_sync(layer.group_send)(
            group, {"type": "live.event", "event": event, "payload": payload}
        )
    except Exception:  # a lost live message must never fail the change it tells
        logger.warning("live update to %s not sent", group, exc_info=True)
