"""Who hears about incident changes: the API's outbound webhooks subscribe here in their app's
ready(), as ticket reactions do (tickets.reactions), so this app imports none of them.

A listener is called inside the transaction that made the change, with the incident and the
event name (incident.created, incident.updated, incident.resolved) and the instant of the
change; raising rolls the change back."""

from collections.abc import Callable
from datetime import datetime

from .models import Incident

CREATED = "incident.created"
UPDATED = "incident.updated"
RESOLVED = "incident.resolved"

Listener = Callable[[Incident, str, datetime], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> Listener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def incident_changed(incident: Incident, event: str, at: datetime) -> None:
    for listener in _listeners:
        listener(incident, event, at)
