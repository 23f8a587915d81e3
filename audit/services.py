"""Writing the audit log, and the one way rows leave it.

record() is called by the staff pages and the API after a read succeeded; it writes one INSERT
and reads nothing first (who the user is and their role were read by the access check already).
A list or a search is one row with its count, never a row per ticket it showed.

Customers, guests and anonymous callers are not recorded: they read their own data. Staff are,
and API keys, which act as their (staff or service) owner.
"""

import ipaddress
from datetime import datetime

from django.db import connection, transaction
from django.http import HttpRequest

from tickets import roles
from tickets.redaction import REDACTED, redact

from .models import AuditEntry

Kind = AuditEntry.Kind

DETAIL_LENGTH = AuditEntry._meta.get_field("detail").max_length
USER_AGENT_LENGTH = AuditEntry._meta.get_field("user_agent").max_length
# Rows deleted per transaction by the purge: each batch holds its row locks briefly, and a
# million old rows go in a few hundred short transactions rather than one long one.
PURGE_BATCH = 5_000
# The session setting the append-only trigger lets DELETE through with (migration 0001).
PURGE_SETTING = "helpdesk.audit_purge"


def record(
    request: HttpRequest,
    kind: str,
    *,
    ticket=None,
    ticket_reference: str = "",
    customer_id: int | str | None = None,
    attachment_id: int | str | None = None,
    count: int | None = None,
    detail: str = "",
    api_key: str = "",
) -> AuditEntry | None:
    """Record that this request's user did `kind` to the objects named, if they are staff
    (roles.is_staff_member); None for anyone else. `ticket` fills in its reference and its
    requester (the customer). The detail is redacted (a card number or an OTP typed into a
    search is not kept) and cut to DETAIL_LENGTH. The address is REMOTE_ADDR, which
    helpdesk.addresses.ClientAddressMiddleware has already set to the client's."""
    user = getattr(request, "user", None)
    if not roles.is_staff_member(user):
        return None
    return record_as(
        user,
        kind,
        ticket=ticket,
        ticket_reference=ticket_reference,
        customer_id=customer_id,
        attachment_id=attachment_id,
        count=count,
        detail=detail,
        api_key=api_key,
        address=request.META.get("REMOTE_ADDR", ""),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


def record_as(
    actor,
    kind: str,
    *,
    ticket=None,
    ticket_reference: str = "",
    customer_id: int | str | None = None,
    attachment_id: int | str | None = None,
    count: int | None = None,
    detail: str = "",
    api_key: str = "",
    address: str = "",
    user_agent: str = "",
) -> AuditEntry:
    """Record without a request (a command or a task: actor None for the system), or for a
    caller that decided itself that the read is to be recorded. One INSERT."""
    if ticket is not None:
        ticket_reference = ticket_reference or ticket.reference
        customer_id = customer_id if customer_id is not None else ticket.requester_id
    return AuditEntry.objects.create(
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        actor_role=(roles.highest_role(actor) or "") if actor is not None else "system",
        api_key=api_key[:20],
        kind=kind,
        ticket_reference=ticket_reference or "",
        customer_id="" if customer_id is None else str(customer_id),
        attachment_id="" if attachment_id is None else str(attachment_id),
        count=count,
        detail=clean_detail(detail),
        address=_address(address),
        user_agent=user_agent[:USER_AGENT_LENGTH],
    )


def clean_detail(text: str) -> str:
    """A detail fit to keep: secrets redacted (language-neutral placeholder), one line, short."""
    text = " ".join(redact(text or "", replacement=REDACTED).text.split())
    return text if len(text) <= DETAIL_LENGTH else text[: DETAIL_LENGTH - 1] + "…"


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def purge_older_than(cutoff: datetime, *, batch_size: int = PURGE_BATCH) -> int:
    """Delete the rows recorded before `cutoff`, oldest first, PURGE_BATCH per transaction;
    returns how many went. The only deletion the append-only trigger lets through: it turns
    PURGE_SETTING on for its own DELETE and off again (set locally, it would otherwise last to
    the end of a caller's surrounding transaction)."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    guarded = connection.vendor == "postgresql"
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            if guarded:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
            cursor.execute(
                f"DELETE FROM {table} WHERE id IN "
                f"(SELECT id FROM {table} WHERE at < %s ORDER BY at LIMIT %s)",
                [cutoff, batch_size],
            )
            deleted = cursor.rowcount
            # A failed DELETE rolls the setting back with the (sub)transaction.
            if guarded:
                cursor.execute("SELECT set_config(%s, 'off', true)", [PURGE_SETTING])
        total += deleted
        if deleted < batch_size:
            return total
