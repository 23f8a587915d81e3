"""What follows from a ticket change: the subscribers of ticket events.

Every change a service makes writes a TicketEvent through events.record_event(), which calls
on_ticket_event() in the same transaction. Apps that react to ticket changes (SLA timers, the
notification outbox, the API's outbound webhooks) subscribe in their AppConfig.ready(), so no
service has to remember to call them, no channel (web, API, email, admin) can skip them, and the
ticket domain imports none of them. A reaction must not call back into services that record
events for the same ticket, or it would react to itself.
"""

from collections.abc import Callable

from .models import TicketEvent

Reaction = Callable[[TicketEvent], None]

_reactions: list[Reaction] = []


def subscribe(reaction: Reaction) -> Reaction:
    """Call `reaction(event)` for every ticket event, after those subscribed before it."""
    if reaction not in _reactions:
        _reactions.append(reaction)
    return reaction


def on_ticket_event(event: TicketEvent) -> None:
    """Called inside the transaction that wrote `event`; raising rolls the whole change back."""
    for reaction in _reactions:
        reaction(event)
