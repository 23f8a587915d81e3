"""Who acts on a ticket, the event each change writes, and the error a refused change raises:
what every service shares (tickets.services, tickets.assignment), below them all."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from . import reactions
from .models import Contact, Ticket, TicketEvent, User


class ServiceError(Exception):
    """A request the rules refuse; the message is fit to show to the person who asked."""


class IllegalTransition(ServiceError):
    pass


class Conflict(ServiceError):
    """The change was asked of a ticket as it was before someone else changed it."""


def version_of(ticket: Ticket) -> str:
    """What a form or an API client saw of the ticket (its last change), to be sent back."""
    return ticket.updated_at.isoformat()


def check_version(ticket: Ticket, version: str | None) -> None:
    """Refuse a change asked of an older version of `ticket` (the caller holds its lock). No
    version: nothing to compare (an API client that sends no If-Match)."""
    if version and version_of(ticket) != version:
        raise Conflict(
            _(
                "Someone else changed %(reference)s while you were looking at it. Here is how "
                "it is now; check and try again."
            )
            % {"reference": ticket.reference}
        )


@dataclass(frozen=True)
class Actor:
    """Who does something: an agent (user), a customer (contact), or the system."""

    type: str
    user: User | None = None
    contact: Contact | None = None

    @classmethod
    def system(cls) -> "Actor":
        return cls(TicketEvent.Actor.SYSTEM)

    @classmethod
    def agent(cls, user: User) -> "Actor":
        return cls(TicketEvent.Actor.AGENT, user=user)

    @classmethod
    def customer(cls, contact: Contact) -> "Actor":
        return cls(TicketEvent.Actor.CUSTOMER, user=contact.user, contact=contact)


def record_event(
    ticket: Ticket,
    kind: str,
    by: Actor,
    *,
    field: str = "",
    old: object = "",
    new: object = "",
    data: dict | None = None,
    at: datetime | None = None,
) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor_type=by.type,
        actor_user=by.user,
        actor_contact=by.contact,
        field=field,
        old_value=str(old)[:255],
        new_value=str(new)[:255],
        data=data or {},
        created_at=at or timezone.now(),
    )
    reactions.on_ticket_event(event)
    return event
