"""What retention and erasure both do to a ticket: delete its files, replace its texts and
empty the personal fields of its details, keeping the skeleton (category, queue, priority,
status, channel, dates, SLA timers) that reports count."""

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.core.files.storage import default_storage
from django.db.models import Q

from tickets.models import (
    Attachment,
    CSATResponse,
    InboundEmail,
    Message,
    Ticket,
    TicketCC,
    TicketEvent,
)

# What replaces a subject or a message: the same in every language, so reports and the search
# words do not depend on who read it.
REMOVED = "[removed]"

# The details a report may still count (how much, when, how, which kind of problem). Every other
# field (phones, emails, card digits, transaction references, merchants, free text, devices) is
# emptied, whatever the topic: a field added to a form later is personal until listed here.
KEPT_DETAILS = frozenset(
    {
        "amount",
        "currency",
        "occurred_at",
        "transaction_date",
        "refund_requested_on",
        "payment_method",
        "what_happened",
        "about",
        "network",
        "os",
        "app_version",
        "freeze_account",
    }
)


class Removal:
    RETENTION = "retention"
    ERASURE = "erasure"


def scrub_details(details: dict) -> dict:
    return {key: (value if key in KEPT_DETAILS else "") for key, value in (details or {}).items()}


def remove_files(attachments: Iterable[Attachment], *, by: str, now: datetime) -> int:
    """Delete the files from storage, then mark their rows (only rows not marked yet: two runs
    at once delete a file twice, which is harmless, and mark it once). The file goes first: a
    run that dies between the two leaves a row to mark next time, never an orphan file."""
    ids = []
    for attachment in attachments:
        if attachment.file.name:
            default_storage.delete(attachment.file.name)
        ids.append(attachment.pk)
    if not ids:
        return 0
    return Attachment.objects.filter(pk__in=ids, removed_at__isnull=True).update(
        removed_at=now, removed_by=by, file=""
    )


def anonymise_tickets(ticket_ids: list[int], *, by: str, now: datetime) -> int:
    """Replace the texts of these tickets and empty their personal details; returns how many
    were not anonymised before (a second run changes nothing: it is a no-op per ticket)."""
    tickets = list(
        Ticket.objects.filter(pk__in=ticket_ids, anonymised_at__isnull=True).only("pk", "details")
    )
    if not tickets:
        return 0
    ids = [ticket.pk for ticket in tickets]
    remove_files(
        Attachment.objects.filter(ticket_id__in=ids, removed_at__isnull=True).only("pk", "file"),
        by=by,
        now=now,
    )
    # File names are what the customer called them ("KTP Siti.jpg", redacted of secrets only).
    Attachment.objects.filter(ticket_id__in=ids).update(original_name=REMOVED, sha256="")
    # The body's search column and the ticket's words are recomputed by their triggers.
    Message.objects.filter(ticket_id__in=ids).update(body=REMOVED, email_message_id=None)
    CSATResponse.objects.filter(ticket_id__in=ids).exclude(comment="").update(comment="")
    TicketCC.objects.filter(ticket_id__in=ids).delete()
    for inbound in InboundEmail.objects.filter(ticket_id__in=ids):
        scrub_inbound_email(inbound)
    # An unverified email's event names the address it claimed to come from.
    TicketEvent.objects.filter(ticket_id__in=ids, kind=TicketEvent.Kind.UNVERIFIED_EMAIL).update(
        new_value="", data={}
    )
    for ticket in tickets:
        ticket.details = scrub_details(ticket.details)
    Ticket.objects.bulk_update(tickets, ["details"])
    # The CAS on anonymised_at: the count is of tickets this run anonymised.
    return Ticket.objects.filter(pk__in=ids, anonymised_at__isnull=True).update(
        subject=REMOVED,
        transaction_reference="",
        idempotency_key=None,
        anonymised_at=now,
    )


def scrub_inbound_email(inbound: InboundEmail) -> None:
    """Keep the row (its Message-ID's digest still makes a redelivery a no-op), drop who sent
    it, what it said and its raw bytes."""
    if inbound.raw:
        inbound.raw.delete(save=False)
    message_id = inbound.email_message_id
    if not message_id.startswith("sha256:"):
        message_id = "sha256:" + hashlib.sha256(message_id.encode()).hexdigest()
    InboundEmail.objects.filter(pk=inbound.pk).update(
        sender="", subject="", reason="", raw="", email_message_id=message_id
    )


def closed_before(cutoff: datetime):
    """Closed tickets whose closing is older than `cutoff` (a closed ticket never changes status
    again, so status_changed_at is its closing time). Served by the ticket_status_changed index."""
    return Ticket.objects.filter(status=Ticket.Status.CLOSED, status_changed_at__lt=cutoff)


def files_of_tickets_closed_before(cutoff: datetime):
    return Attachment.objects.filter(
        Q(removed_at__isnull=True),
        ticket__status=Ticket.Status.CLOSED,
        ticket__status_changed_at__lt=cutoff,
    )
