"""Who may see which ticket: the one function every page and endpoint uses (STYLE.md).

A ticket that is not yours answers 404, exactly like one that does not exist, so references are
never confirmed to strangers.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from . import links, roles
from .models import Attachment, Ticket


@dataclass(frozen=True)
class Viewer:
    """A signed-in user and/or the guest grants of their browser session."""

    user: object
    grants: dict[int, int] = field(default_factory=dict)  # ticket id -> contact id

    @classmethod
    def of(cls, request) -> "Viewer":
        session = getattr(request, "session", None)
        return cls(request.user, links.session_grants(session) if session is not None else {})

    @property
    def is_staff(self) -> bool:
        return roles.is_staff_member(self.user)


def tickets_for(viewer: Viewer, *, as_customer: bool = False):
    """The tickets a viewer may see; as_customer: only those they asked (the portal's view)."""
    if as_customer:
        user = viewer.user
        visible = (
            Ticket.objects.filter(requester__user=user)
            if user.is_authenticated and user.is_active
            else Ticket.objects.none()
        )
    else:
        visible = Ticket.objects.visible_to(viewer.user)
    if not viewer.grants:
        return visible
    # A guest link opens its ticket while the requester is unchanged, and the ticket it was
    # merged into (the conversation continues there).
    granted = Q()
    for ticket_id, contact_id in viewer.grants.items():
        granted |= Q(pk=ticket_id, requester_id=contact_id)
        granted |= Q(merged_tickets__pk=ticket_id, requester_id=contact_id)
    # Grants already in a session end when the requester's data is erased.
    granted &= Q(requester__erased_at__isnull=True)
    return (visible | Ticket.objects.filter(granted)).distinct()


def get_ticket_for(viewer: Viewer, reference: str, *, as_customer: bool = False) -> Ticket:
    """The ticket if this viewer may see it, else 404.

    Whoever sees a ticket may act on it: customers and guests on their own, staff on those of
    their queues. The customer portal asks as_customer, so a staff member opening a customer's
    page can never speak as the customer. What an action allows on a ticket in its state is
    the services' business.
    """
    ticket = (
        tickets_for(viewer, as_customer=as_customer)
        .select_related("category", "queue", "requester", "assignee", "merged_into")
        .filter(reference=reference.upper())
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def get_attachment_for(
    viewer: Viewer, reference: str, attachment_id: int, *, as_customer: bool = False
) -> Attachment:
    ticket = get_ticket_for(viewer, reference, as_customer=as_customer)
    attachment = (
        Attachment.objects.filter(pk=attachment_id, ticket=ticket).select_related("message").first()
    )
    # An internal note's files are for staff only; a removed file (privacy) is no longer there.
    if (
        attachment is None
        or attachment.removed_at is not None
        or (
            (as_customer or not viewer.is_staff)
            and attachment.message
            and attachment.message.is_internal
        )
    ):
        raise Http404("No such attachment.")
    attachment.ticket = ticket  # already loaded: whoever records the download names it
    return attachment
