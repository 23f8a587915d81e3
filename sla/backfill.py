"""Timers for tickets that have none: tickets opened before any policy existed, or demo tickets
moved into the past. A ticket's timers are rebuilt by replaying its audit trail through the
engine, as if the engine had seen each event when it happened; what the trail does not show
(bulk-loaded tickets) is filled in from the ticket's own timestamps."""

from collections.abc import Iterable

from django.db import transaction

from tickets.models import EscalationStep, SLAPolicy, SLATimer, Ticket, TicketEvent

from .calendars import Clocks
from .engine import HANDLERS, PAUSING_STATUSES, TicketTimers, load_policies
from .notify import Recipients

Metric = SLATimer.Metric
# Tickets per transaction.
BATCH_SIZE = 200


class Replay:
    """Shared state for replaying many tickets: policies, clocks and recipients read once."""

    def __init__(self, policies: list[SLAPolicy] | None = None) -> None:
        self.policies = policies if policies is not None else load_policies()
        self.clocks = Clocks()
        self.recipients = Recipients()
        self.steps: dict[int, list[EscalationStep]] = {}

    def ticket(self, ticket: Ticket) -> None:
        """Rebuild one ticket's timers (the caller holds its row lock)."""
        timers = TicketTimers.load(
            ticket,
            at=ticket.created_at,
            clocks=self.clocks,
            recipients=self.recipients,
            policies=self.policies,
            steps=self.steps,
            fetch=False,
        )
        trail = ticket.events.exclude(kind__in=[TicketEvent.Kind.SLA, TicketEvent.Kind.ESCALATED])
        for event in trail.order_by("created_at", "id"):
            handler = HANDLERS.get(event.kind)
            if handler is not None:
                event.ticket = ticket
                timers.at = event.created_at
                handler(timers, event)
        _fill_in_from_timestamps(timers)
        timers.finish()


def _fill_in_from_timestamps(timers: TicketTimers) -> None:
    ticket = timers.ticket
    first_response = timers.active.get(Metric.FIRST_RESPONSE)
    if first_response is not None and ticket.first_response_at is not None:
        timers.at = max(ticket.first_response_at, first_response.started_at)
        timers.stop(first_response, reason="agent replied", met=True)
    resolution = timers.active.get(Metric.RESOLUTION)
    if (
        resolution is not None
        and ticket.status in PAUSING_STATUSES
        and resolution.status != SLATimer.Status.PAUSED
    ):
        timers.at = max(ticket.status_changed_at, resolution.counted_until)
        timers.pause(resolution)


def rebuild(tickets: Iterable[Ticket]) -> int:
    """Throw away the given tickets' timers and replay their trails. Returns how many."""
    replay = Replay()
    done = 0
    for ticket in tickets:
        with transaction.atomic():
            locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
            locked.sla_timers.all().delete()
            replay.ticket(locked)
            done += 1
    return done


def backfill_open_tickets(*, limit: int | None = None) -> int:
    """Timers for open tickets that have none. Returns how many tickets got them."""
    if not SLAPolicy.objects.active().exists():
        return 0
    replay = Replay()
    done = 0
    last_pk = 0
    while limit is None or done < limit:
        batch = list(
            Ticket.objects.open()
            .filter(pk__gt=last_pk)
            .exclude(sla_timers__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if not batch:
            break
        with transaction.atomic():
            for ticket in Ticket.objects.select_for_update().filter(pk__in=batch).order_by("pk"):
                if ticket.is_open and not ticket.sla_timers.exists():
                    replay.ticket(ticket)
                    done += 1
        last_pk = batch[-1]
    return done
