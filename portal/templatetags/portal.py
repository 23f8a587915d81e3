from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

register = template.Library()

# How a customer reads each status: what is happening, and whether it is their turn.
CUSTOMER_STATUS = {
    "new": _("Received: we will look at it soon"),
    "open": _("We are working on it"),
    "pending_customer": _("Waiting for your reply"),
    "on_hold": _("Waiting for a partner (such as your bank)"),
    "resolved": _("Solved"),
    "closed": _("Closed"),
}


# A request nobody has looked at past its SLA deadline must not read "we will look at it soon".
LATE = _("Taking longer than promised: we are prioritising it")


@register.filter
def customer_status(ticket) -> str:
    if (
        ticket.status == "new"
        and ticket.sla_due_at is not None
        and ticket.sla_due_at <= timezone.now()
    ):
        return str(LATE)
    return str(CUSTOMER_STATUS.get(ticket.status, ticket.get_status_display()))
