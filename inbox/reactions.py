"""Which ticket event tells whom in the workspace. Called by tickets.reactions inside the
transaction that records each TicketEvent. The same people as the agents' emails
(notifications/reactions.py), whatever emails they muted:

- assignee: the new assignee, unless they took the ticket themselves;
- customer_replied: the assignee; when unassigned, the queue's leads;
- note: the agents its `@mentions` name (tickets/mentions.py), never the author;
- csat at or below LOW_RATING_FOLLOW_UP_AT: the queue's leads, else the admins
  (tickets/low_ratings.py).

SLA warnings and breaches come from the SLA sweep (sla/notify.py) through notify_sla().
"""

from collections.abc import Iterable

from tickets import assignment, low_ratings, mentions
from tickets.models import Ticket, TicketEvent, User

from . import services
from .models import StaffNotification

Kind = StaffNotification.Kind
Event = TicketEvent.Kind


def on_ticket_event(event: TicketEvent) -> None:
    handler = HANDLERS.get(event.kind)
    if handler is not None:
        handler(event)


def _tell(event: TicketEvent, kind: str, users: Iterable[User], **data) -> None:
    services.notify(
        recipients=users,
        kind=kind,
        ticket=event.ticket,
        key=f"event:{event.pk}:{kind}",
        event=event,
        # An agent who did it; a customer's reply is told without naming anyone.
        actor=(
            event.actor_user
            if event.actor_user_id and event.actor_type == TicketEvent.Actor.AGENT
            else None
        ),
        data=data,
    )


def on_assignee(event: TicketEvent) -> None:
    assignee = assignment.new_assignee_to_tell(event)
    if assignee is None:
        return
    _tell(event, Kind.ASSIGNED, [assignee])


def on_customer_replied(event: TicketEvent) -> None:
    agents = assignment.answerable(event.ticket)
    _tell(event, Kind.CUSTOMER_REPLIED, agents)


def on_note(event: TicketEvent) -> None:
    _tell(event, Kind.MENTIONED, mentions.mentioned_by(event))


def on_csat(event: TicketEvent) -> None:
    if event.data.get("follow_up"):
        who = low_ratings.recipients(event.data)
        _tell(event, Kind.LOW_RATING, who, score=event.new_value)


HANDLERS = {
    Event.ASSIGNEE: on_assignee,
    Event.CUSTOMER_REPLIED: on_customer_replied,
    Event.NOTE: on_note,
    Event.CSAT: on_csat,
}

SLA_KINDS = {"warning": Kind.SLA_WARNING, "breach": Kind.SLA_BREACH}


def notify_sla(
    *,
    ticket: Ticket,
    kind: str,
    key: str,
    recipients: Iterable[int],
    metric: str = "",
    level: str | int = "",
) -> None:
    """The in-app side of an SLA warning or breach, beside its email (sla/notify.py), in the
    sweep's transaction. Escalation steps are emails only: they go to leads and admins who
    are told by the breach already. key: the step's once-only key."""
    if kind not in SLA_KINDS:
        return
    ids = [int(r) for r in recipients]
    if not ids:
        return
    services.notify(
        recipients=services.active_users(ids),
        kind=SLA_KINDS[kind],
        ticket=ticket,
        key=key,
        data={"metric": metric, "level": str(level)},
    )
