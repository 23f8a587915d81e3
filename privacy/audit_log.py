"""The audit log as the privacy app uses it (the audit app's `record`, `record_as` and
`purge_older_than`): one seam, so the kinds and what a row keeps are decided here."""

from datetime import datetime

import audit
from audit.models import AuditEntry

CUSTOMER_VIEW = AuditEntry.Kind.CUSTOMER_VIEW
EXPORT = AuditEntry.Kind.EXPORT
ERASURE = AuditEntry.Kind.ERASURE


def record(
    request,
    kind: str,
    *,
    customer_id: int,
    count: int | None = None,
    detail: str = "",
    actor=None,
) -> AuditEntry | None:
    """A row naming the customer by id only. Without a request (a command, a test), as
    `actor`."""
    if request is None:
        return audit.record_as(actor, kind, customer_id=customer_id, count=count, detail=detail)
    return audit.record(request, kind, customer_id=customer_id, count=count, detail=detail)


def rows_older_than(cutoff: datetime) -> int:
    return AuditEntry.objects.filter(at__lt=cutoff).count()


def purge_older_than(cutoff: datetime) -> int:
    return audit.purge_older_than(cutoff)
