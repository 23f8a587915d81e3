"""A request's progress as the customer reads it, from its status changes (TicketEvent):
received, in progress, waiting for you or for a partner, solved; each with when it happened,
the current one marked, and what normally comes next."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise as LazyText
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket, TicketEvent

Status = Ticket.Status

RECEIVED, IN_PROGRESS, WAITING_FOR_YOU, WAITING_FOR_PARTNER, SOLVED, CLOSED = (
    "received",
    "in_progress",
    "waiting_for_you",
    "waiting_for_partner",
    "solved",
    "closed",
)
LABELS = {
    RECEIVED: _("Received"),
    IN_PROGRESS: _("In progress"),
    WAITING_FOR_YOU: _("Waiting for you"),
    WAITING_FOR_PARTNER: _("Waiting for a partner"),
    SOLVED: _("Solved"),
    CLOSED: _("Closed"),
}
# A request back to "new" after a wait is being worked on again, not received again.
STEP_OF_STATUS = {
    Status.NEW: IN_PROGRESS,
    Status.OPEN: IN_PROGRESS,
    Status.PENDING_CUSTOMER: WAITING_FOR_YOU,
    Status.ON_HOLD: WAITING_FOR_PARTNER,
    Status.RESOLVED: SOLVED,
    Status.CLOSED: CLOSED,
}


@dataclass(frozen=True)
class Step:
    key: str
    label: LazyText
    at: datetime | None
    state: str  # "done", "current" or "next"


def _reached(ticket: Ticket) -> list[tuple[str, datetime]]:
    """The steps in the order they happened; a step repeated back to back counts once, and a
    solved request that closes stays "solved"."""
    reached = [(RECEIVED, ticket.created_at)]
    changes = ticket.events.filter(kind=TicketEvent.Kind.STATUS, field="status").order_by(
        "created_at", "id"
    )
    for status, at in changes.values_list("new_value", "created_at"):
        step = STEP_OF_STATUS.get(status)
        last = reached[-1][0]
        if step is None or step == last or (step == CLOSED and last == SOLVED):
            continue
        reached.append((step, at))
    return reached


def timeline(ticket: Ticket) -> list[Step]:
    reached = _reached(ticket)
    steps = [Step(key, LABELS[key], at, "done") for key, at in reached[:-1]]
    key, at = reached[-1]
    steps.append(Step(key, LABELS[key], at, "current"))
    upcoming = [SOLVED] if ticket.is_open else []
    if key == RECEIVED:
        upcoming.insert(0, IN_PROGRESS)
    steps += [Step(key, LABELS[key], None, "next") for key in upcoming]
    return steps
