"""A customer asks, from their account, for a copy of their data or for its erasure: the
request becomes a ticket in the account & security queue, where staff check who is asking and
act on it (an admin erases, a lead or admin exports) from the customer's staff page."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tickets import services
from tickets.events import Actor
from tickets.models import Category, Contact, Ticket


class Kind:
    EXPORT = "export"
    ERASURE = "erasure"
    ALL = (EXPORT, ERASURE)


# Staff find the requests by these tags in the queue's filter.
TAGS = {Kind.EXPORT: "privacy-export", Kind.ERASURE: "privacy-erasure"}

# The topic whose queue is "account & security" (tickets/defaults.py): requests about the
# customer's own account and data, handled by the team that verifies identities.
CATEGORY = Category.Code.ACCOUNT_ACCESS


def request_from_customer(*, contact: Contact, kind: str) -> Ticket:
    """The ticket for this request. Asked twice the same day (a double click, a second tab), it
    is the same ticket: the idempotency key is the contact, the kind and the day."""
    if kind not in Kind.ALL:
        raise ValueError(f"unknown request {kind!r}")
    with translation.override(contact.language):
        if kind == Kind.EXPORT:
            subject = _("Personal data: please send me a copy of my data")
            body = _(
                "I am asking for a copy of the personal data you hold about me (my right of "
                "access under the Personal Data Protection Law, UU PDP 27/2022)."
            )
        else:
            subject = _("Personal data: please erase my data")
            body = _(
                "I am asking you to erase the personal data you hold about me (my right of "
                "erasure under the Personal Data Protection Law, UU PDP 27/2022)."
            )
    ticket = services.create_ticket(
        requester=contact,
        category=CATEGORY,
        subject=subject,
        body=body,
        details={"what_happened": "other"},
        channel=Ticket.Channel.WEB,
        idempotency_key=f"privacy:{kind}:{contact.pk}:{timezone.localdate():%Y%m%d}",
    )
    if not ticket.tags.filter(name=TAGS[kind]).exists():
        services.set_tags(ticket=ticket, names=[TAGS[kind]], by=Actor.system())
    return ticket
