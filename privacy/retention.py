"""The daily retention purge (README "Personal data"): attachments of tickets closed more than
N days ago, texts of tickets closed more than M years ago, audit rows older than K years.

Each step works in batches and only on rows not done yet, so a run that dies is simply run
again, and a second run the same day finds nothing to do.
"""

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from . import audit_log
from .anonymise import Removal, anonymise_tickets, closed_before, remove_files
from .anonymise import files_of_tickets_closed_before as files_closed_before
from .models import RetentionPolicy

# Files: each is a storage delete (a few ms on a disk, tens on object storage).
FILE_BATCH = 200
# Tickets: each batch is about ten UPDATEs over its messages, files and events, plus the
# search-words triggers; 200 tickets keep one transaction well under a second.
TICKET_BATCH = 200


@dataclass
class Outcome:
    attachments: int = 0
    tickets: int = 0
    audit_rows: int = 0
    finished: bool = True
    cutoffs: dict[str, datetime] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {"attachments": self.attachments, "tickets": self.tickets, "audit": self.audit_rows}


def years_before(now: datetime, years: int) -> datetime:
    return now - timedelta(days=365 * years + years // 4)


def cutoffs(policy: RetentionPolicy, now: datetime) -> dict[str, datetime]:
    return {
        "attachments": now - timedelta(days=policy.attachment_days),
        "tickets": years_before(now, policy.message_years),
        "audit": years_before(now, policy.audit_years),
    }


def plan(*, now: datetime | None = None) -> Outcome:
    """What apply() would do now, counted, without changing anything (--dry-run)."""
    now = now or timezone.now()
    limits = cutoffs(RetentionPolicy.current(), now)
    return Outcome(
        attachments=files_closed_before(limits["attachments"]).count(),
        tickets=closed_before(limits["tickets"]).filter(anonymised_at__isnull=True).count(),
        audit_rows=audit_log.rows_older_than(limits["audit"]),
        cutoffs=limits,
    )


def apply(*, now: datetime | None = None, seconds: float | None = None) -> Outcome:
    """Purge what the policy says is due. With `seconds`, stop after the batch that passes that
    budget (finished=False): the task continues in a follow-up task."""
    now = now or timezone.now()
    limits = cutoffs(RetentionPolicy.current(), now)
    started = time.monotonic()
    outcome = Outcome(cutoffs=limits)

    def out_of_time() -> bool:
        if seconds is not None and time.monotonic() - started > seconds:
            outcome.finished = False
            return True
        return False

    # Oldest first: a run cut short has done the most overdue ones.
    while not out_of_time():
        batch = list(
            files_closed_before(limits["attachments"])
            .order_by("ticket__status_changed_at", "pk")
            .only("pk", "file")[:FILE_BATCH]
        )
        if not batch:
            break
        outcome.attachments += remove_files(batch, by=Removal.RETENTION, now=now)
    while not out_of_time():
        ids = list(
            closed_before(limits["tickets"])
            .filter(anonymised_at__isnull=True)
            .order_by("status_changed_at", "pk")
            .values_list("pk", flat=True)[:TICKET_BATCH]
        )
        if not ids:
            break
        with transaction.atomic():
            outcome.tickets += anonymise_tickets(ids, by=Removal.RETENTION, now=now)
    if not out_of_time():
        outcome.audit_rows = audit_log.purge_older_than(limits["audit"])
    return outcome
