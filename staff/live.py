"""Live updates on the staff pages: the WebSocket each page opens, and what ticket changes it hears.

One socket per page, at /staff/live/ (helpdesk/asgi.py). The page names what it shows in the query
string: ``?ticket=<id>`` (the ticket page) or ``?queues=all`` / ``?queues=<id>,<id>`` (the queue
page). The socket is refused unless the staff pages themselves would open for this session (a
staff role, the second factor given, not idle past STAFF_IDLE_TIMEOUT_HOURS) and the ticket asked
for is one the user may see; queues are narrowed to those the user may see. Every socket also
joins its user's own group (tickets/live.py).

From the page: ``{"type": "presence", "state": "viewing" | "typing"}`` on a ticket page (the
consumer keeps tickets/presence.py's state and tells the ticket's pages who is there), and
``{"type": "ping"}``, answered with a ``pong`` (the page's keepalive). Anything else is ignored.
To the page: ``{"event": ..., "payload": {...}}`` for every live.event of its groups
(static/js/live.js turns it into a ``live:<event>`` DOM event).

What is published (on_ticket_event, subscribed in StaffConfig.ready): every ticket event to the
ticket's pages (``ticket_changed``: the kind, the ticket's version, the event id), and a new or
moved-in ticket to its queue's pages (``queue_changed``: its id, reference and queue). Payloads
name no customer: a page that wants more asks the server, which checks access again.
"""

import logging
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.urls import path
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from tickets import live, presence, roles, second_factor
from tickets.events import version_of
from tickets.models import Ticket, TicketEvent
from tickets.models.queues import queue_ids_visible_to

from .middleware import StaffIdleTimeoutMiddleware

logger = logging.getLogger(__name__)

PRESENCE_STATES = ("viewing", "typing")
# A page sends its state when it changes and every presence.PING_SECONDS; more often than this
# with the same state is a loop or a hostile page, and is dropped.
MIN_SECONDS_BETWEEN_PINGS = 0.5


def admitted_user(scope):
    """The staff member this socket's session belongs to, if the staff pages would open for
    them (staff_required, StaffIdleTimeoutMiddleware, StaffTwoFactorMiddleware); else None."""
    user = scope.get("user")
    session = scope.get("session")
    if user is None or session is None or not user.is_authenticated or not user.is_active:
        return None
    if not roles.is_staff_member(user):
        return None
    last_seen = session.get(StaffIdleTimeoutMiddleware.KEY)
    if last_seen is not None and time.time() - last_seen > settings.STAFF_IDLE_TIMEOUT_HOURS * 3600:
        return None
    # What OTPMiddleware gives a request: the device this session was verified with.
    device = None
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if persistent_id:
        device = Device.from_persistent_id(persistent_id)
        if device is not None and (device.user_id != user.pk or not device.confirmed):
            device = None
    user.otp_device = device
    user.is_verified = lambda: user.otp_device is not None
    if second_factor.pending(user) is not None:
        return None
    return user


def _ids(values: list[str]) -> list[int]:
    found = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part.isdecimal() and len(part) < 19:
                found.append(int(part))
    return found


def subscriptions(user, query_string: bytes) -> tuple[int | None, list[int]] | None:
    """(the ticket id, the queue ids) this page may hear of; None refuses the socket (a ticket
    the user may not see, or a malformed request)."""
    try:
        query = parse_qs(query_string.decode("ascii"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return None
    ticket_id = None
    if "ticket" in query:
        asked = _ids(query["ticket"])
        if len(asked) != 1:
            return None
        if not Ticket.objects.visible_to(user).filter(pk=asked[0]).exists():
            return None
        ticket_id = asked[0]
    queue_ids = []
    if "queues" in query:
        visible = queue_ids_visible_to(user)
        if query["queues"] == ["all"]:
            queue_ids = visible
        else:
            queue_ids = [pk for pk in _ids(query["queues"]) if pk in visible]
    return ticket_id, queue_ids


class LiveConsumer(AsyncJsonWebsocketConsumer):
    user_id: int | None = None
    ticket_id: int | None = None
    groups_joined: list[str]

    async def connect(self) -> None:
        self.groups_joined = []
        user = await database_sync_to_async(admitted_user)(self.scope)
        if user is None:
            await self.close()
            return
        wanted = await database_sync_to_async(subscriptions)(
            user, self.scope.get("query_string", b"")
        )
        if wanted is None:
            await self.close()
            return
        self.user = user
        self.user_id = user.pk
        self.ticket_id, queue_ids = wanted
        self.last_ping = (None, 0.0)
        groups = [live.user_group(user.pk)]
        if self.ticket_id is not None:
            groups.append(live.ticket_group(self.ticket_id))
        groups += [live.queue_group(pk) for pk in queue_ids]
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()

    async def disconnect(self, code) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.ticket_id is not None and self.user_id is not None:
            await database_sync_to_async(self._leave)()

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        # A page's message that is not JSON, or not one we know, is dropped: never an error that
        # would close the socket of an agent at work.
        try:
            content = await self.decode_json(text_data) if text_data else None
        except ValueError:
            return
        if isinstance(content, dict):
            await self.receive_json(content)

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type")
        if kind == "presence":
            await self._presence(content)
        elif kind == "ping":
            # The page's keepalive (static/js/live.js): a socket that answers is alive.
            await self.send_json({"event": "pong", "payload": {}})

    async def _presence(self, content: dict) -> None:
        state = content.get("state")
        if self.ticket_id is None or state not in PRESENCE_STATES:
            return
        if content.get("ticket") not in (None, self.ticket_id):
            return
        now = time.monotonic()
        last_state, last_at = self.last_ping
        if state == last_state and now - last_at < MIN_SECONDS_BETWEEN_PINGS:
            return
        self.last_ping = (state, now)
        await database_sync_to_async(self._ping)(state)

    def _ping(self, state: str) -> None:
        presence.ping(self.ticket_id, self.user, state)
        announce_presence(self.ticket_id)

    def _leave(self) -> None:
        presence.leave(self.ticket_id, self.user_id)
        announce_presence(self.ticket_id)

    async def live_event(self, message: dict) -> None:
        """A message of tickets.live.publish for one of this socket's groups."""
        event, payload = message.get("event"), message.get("payload") or {}
        if event == "presence":
            # Everyone sees the others, not themselves (the page's own tab included).
            present = [p for p in payload.get("present", ()) if p.get("id") != self.user_id]
            payload = {**payload, "present": present}
        await self.send_json({"event": event, "payload": payload})


def announce_presence(ticket_id: int) -> None:
    """Tell the ticket's pages who has it open (each page leaves its own user out)."""
    live.send_now(
        live.ticket_group(ticket_id),
        "presence",
        ticket=ticket_id,
        present=presence.present(ticket_id),
    )


websocket_urlpatterns = [path("staff/live/", LiveConsumer.as_asgi(), name="staff-live")]


# Publishing


def on_ticket_event(event: TicketEvent) -> None:
    """Announce a ticket change to the pages showing it, once it commits. Runs inside the change's
    transaction, where raising would roll the change back: a live update is never worth that."""
    try:
        _announce(event)
    except Exception:
        logger.warning("live update for ticket event %s not queued", event.pk, exc_info=True)


def _announce(event: TicketEvent) -> None:
    ticket = event.ticket
    live.publish(
        live.ticket_group(ticket.pk),
        "ticket_changed",
        ticket=ticket.pk,
        kind=event.kind,
        version=version_of(ticket) if ticket.updated_at else None,
        event_id=event.pk,
    )
    if event.kind == TicketEvent.Kind.CREATED or (
        event.kind == TicketEvent.Kind.QUEUE and ticket.queue_id
    ):
        live.publish(
            live.queue_group(ticket.queue_id),
            "queue_changed",
            ticket=ticket.pk,
            reference=ticket.reference,
            queue=ticket.queue_id,
            kind=event.kind,
        )
