"""What the API keeps about a customer's tickets, removed when the customer is erased
(privacy.erasure calls this inside its transaction)."""

from privacy.anonymise import REMOVED
from tickets.models import Contact

from .models import IdempotentRequest, WebhookDelivery


def forget_tickets(contact: Contact, ticket_ids: list[int]) -> None:
    # The replay of a creation holds the ticket as it was answered: subject, details, email.
    # Dropping it voids the Idempotency-Key (a retry after the erasure is a new request).
    IdempotentRequest.objects.filter(ticket_id__in=ticket_ids).delete()
    for delivery in WebhookDelivery.objects.filter(ticket_id__in=ticket_ids).iterator(1000):
        payload = dict(delivery.payload)
        state = dict(payload.get("ticket") or {})
        if "subject" in state:
            state["subject"] = REMOVED
        if "transaction_reference" in state:
            state["transaction_reference"] = ""
        payload["ticket"] = state
        change = dict(payload.get("change") or {})
        if change.get("kind") == "unverified_email":
            change["new"] = ""
        payload["change"] = change
        WebhookDelivery.objects.filter(pk=delivery.pk).update(payload=payload)
