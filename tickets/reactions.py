"""What follows from a ticket change, decided in one place.

Every change a service makes writes a TicketEvent through services.record_event(), which calls
on_ticket_event() in the same transaction. Subsystems that react to ticket changes (SLA timers,
the notification outbox, the API's outbound webhooks) subscribe here, so no service has to
remember to call them and no channel (web, API, email, admin) can skip them. A reaction must not
call back into services that record events for the same ticket, or it would react to itself.
"""

from api import webhooks

from . import notifications
from .models import TicketEvent
from .sla import engine as sla_engine


def on_ticket_event(event: TicketEvent) -> None:
    """Called inside the transaction that wrote `event`; raising rolls the whole change back."""
    sla_engine.on_ticket_event(event)
    notifications.on_ticket_event(event)
    webhooks.on_ticket_event(event)
