from django import template
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


@register.filter
def customer_status(ticket) -> str:
    return str(CUSTOMER_STATUS.get(ticket.status, ticket.get_status_display()))
