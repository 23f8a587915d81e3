"""Who may see a customer, export their data and erase it: the one place the staff pages, the
Django admin and the API ask (README "Personal data").

- A customer's page: any staff member who sees at least one of their tickets; admins all.
- Export: leads and admins. It covers everything held about the person, across queues: a
  lead of one queue exports tickets of others too, because a partial copy would not meet the
  right of access; every export is audited.
- Erasure: admins only; it cannot be undone.
"""

from django.http import Http404

from tickets import roles
from tickets.models import Contact, Ticket


def may_export(user) -> bool:
    return roles.is_lead(user)


def may_erase(user) -> bool:
    return roles.is_admin(user)


def get_contact_for(user, contact_id: int) -> Contact:
    """The contact if this staff member may see them, else 404 (as for tickets: a stranger
    cannot tell an unknown id from one that is not theirs)."""
    if not roles.is_staff_member(user):
        raise Http404("No such customer.")
    contact = Contact.objects.select_related("user").filter(pk=contact_id).first()
    if contact is None:
        raise Http404("No such customer.")
    if not roles.is_admin(user) and not (
        Ticket.objects.visible_to(user).filter(requester=contact).exists()
    ):
        raise Http404("No such customer.")
    return contact
