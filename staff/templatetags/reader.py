"""Stored facts put into the reader's words at display time (issue 17): system notes and audit
events are kept as codes and data, never as text translated once for whoever was there."""

from django import template
from django.utils.translation import gettext as _

from sla import notes
from tickets import low_ratings
from tickets.models import Message, Ticket, TicketEvent
from tickets.services import CATEGORIES

register = template.Library()


@register.filter
def message_text(message: Message) -> str:
    """A message's text; an SLA escalation or low-rating note in the reader's language and
    time zone."""
    if low_ratings.is_note(message):
        return low_ratings.note_text(message)
    return notes.message_text(message)


def _value_label(event: TicketEvent, value: str) -> str:
    """A stored status, priority or topic code as its label in the reader's language."""
    if not value:
        return value
    if event.kind == TicketEvent.Kind.STATUS and value in Ticket.Status.values:
        return str(Ticket.Status(value).label)
    if event.kind == TicketEvent.Kind.PRIORITY and value.upper() in Ticket.Priority.names:
        return str(Ticket.Priority[value.upper()].label)
    if event.kind == TicketEvent.Kind.CATEGORY:
        category = CATEGORIES.get().get(value)  # kept per process: no query per event
        return category.label() if category is not None else value
    return value


@register.filter
def event_detail(event: TicketEvent) -> str:
    """What changed, for the audit trail: "Open → Waiting for customer", "Resolution: target
    missed · due 2 Dec 2026, 10:19 WIB"; empty when the event names no values."""
    text = notes.event_text(event)
    if text is not None:
        return text
    if event.kind == TicketEvent.Kind.INCIDENT:
        return _incident_detail(event)
    old, new = _value_label(event, event.old_value), _value_label(event, event.new_value)
    if old:
        return f"{old} → {new}"
    return new


def _incident_detail(event: TicketEvent) -> str:
    """ "Linked to incident #12 (matched at creation)", "Unlinked from incident #12",
    "Incident #12 resolved"."""
    if event.field == "incident_status":
        return _("Incident #%(id)s resolved") % {"id": event.old_value}
    old, new = event.old_value, event.new_value
    if old and new:
        return _("Moved from incident #%(old)s to #%(new)s") % {"old": old, "new": new}
    if new:
        if event.data.get("linked") == "matched":
            return _("Linked to incident #%(id)s (matched at creation)") % {"id": new}
        return _("Linked to incident #%(id)s") % {"id": new}
    return _("Unlinked from incident #%(id)s") % {"id": old}
