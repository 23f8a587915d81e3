"""The outbox: writing notifications, publishing their delivery, and the sweep that makes sure
every one is delivered even when the broker was down or a worker died (DESIGN.md section 7).

A notification is a row written in the transaction of the change that caused it, so it exists
exactly when the change does. Publishing the delivery task happens after commit and may fail
(Redis down): the row stays pending and the sweep publishes it again. Delivery claims the row
by compare-and-swap, so however many copies of its task run, it is sent at most once.
"""

import logging
import secrets
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from tickets.models import Message, Notification, Ticket, User

from . import tasks  # tasks imports this module too: names are looked up when used

logger = logging.getLogger(__name__)

# At most this many rows are published per sweep, oldest first. A backlog (a long outage, a
# slow worker) then drains over several sweeps instead of the broker filling with copies of
# tasks that are still queued; each copy costs a worker one UPDATE that matches nothing.
SWEEP_BATCH = 500
# A live worker holds a claim at most CELERY_TASK_TIME_LIMIT (the hard limit kills the task);
# a claim older than that plus this margin belongs to a worker that died.
CLAIM_MARGIN_SECONDS = 30
# After a failed publish, this process stops trying for a while: with the broker down, each
# attempt costs a request about a second, and the sweep publishes these rows anyway.
BROKER_PAUSE_SECONDS = 15
# References keeps the thread's first id and the latest ones (RFC 5322 section 3.6.4).
REFERENCES_KEPT = 10

_broker_paused_until = 0.0


@dataclass
class Batch:
    """Notifications collected by batch(): written with one insert when it ends."""

    rows: list[Notification] = field(default_factory=list)
    # Lookups a batch repeats for every row (users, their muted templates), read once.
    memo: dict = field(default_factory=dict)


_batch: ContextVar[Batch | None] = ContextVar("outbox_batch", default=None)


@contextmanager
def batch() -> Iterator[Batch]:
    """Collect the notifications written inside into one bulk insert, for callers that write
    thousands in one transaction (the SLA sweep): one query for their thread headers, one
    insert (a key already used is skipped, as notify() skips it) and one publish after commit.
    Use it inside the caller's transaction; nothing is written if the block raises."""
    current = Batch()
    token = _batch.set(current)
    try:
        yield current
    finally:
        _batch.reset(token)
    _write(current.rows)


def batch_memo() -> dict | None:
    """The running batch's memo, or None outside batch()."""
    current = _batch.get()
    return current.memo if current is not None else None


def _write(rows: list[Notification]) -> None:
    if not rows:
        return
    unique = list({row.idempotency_key: row for row in rows}.values())
    for row, (in_reply_to, references) in zip(unique, _thread_headers_for(unique), strict=True):
        row.in_reply_to, row.references = in_reply_to, references
    Notification.objects.bulk_create(unique, batch_size=1000, ignore_conflicts=True)
    started = min(row.created_at for row in unique)
    due_keys = [row.idempotency_key for row in unique if row.enqueued_at is not None]
    if due_keys:
        # Only the rows this batch inserted: a key that existed was notified before.
        ids = list(
            Notification.objects.filter(
                idempotency_key__in=due_keys, created_at__gte=started
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(partial(enqueue, ids))


def _thread_headers_for(rows: list[Notification]) -> list[tuple[str, str]]:
    """thread_headers() for each row, in order, with three queries."""
    tickets = {row.ticket_id for row in rows}
    earlier: dict[tuple[int, str], list] = defaultdict(list)
    for ticket_id, recipient, created_at, message_id in Notification.objects.filter(
        ticket_id__in=tickets, recipient__in={row.recipient for row in rows}
    ).values_list("ticket_id", "recipient", "created_at", "message_id"):
        earlier[(ticket_id, recipient)].append((created_at, message_id))
    requesters = dict(Ticket.objects.filter(pk__in=tickets).values_list("pk", "requester__email"))
    for ticket_id, created_at, message_id in Message.objects.filter(
        ticket_id__in=tickets, author_type=Message.Author.CUSTOMER, email_message_id__isnull=False
    ).values_list("ticket_id", "created_at", "email_message_id"):
        earlier[(ticket_id, requesters[ticket_id])].append((created_at, message_id))
    in_batch: dict[tuple[int, str], list] = defaultdict(list)
    headers = []
    for row in rows:
        pair = (row.ticket_id, row.recipient)
        headers.append(_headers(sorted(earlier[pair]) + in_batch[pair]))
        # A later row of the same batch to the same person answers this one.
        in_batch[pair].append((row.created_at, row.message_id))
    return headers


def _headers(earlier: list) -> tuple[str, str]:
    ids = list(dict.fromkeys(message_id for _, message_id in earlier))
    if not ids:
        return "", ""
    if len(ids) > REFERENCES_KEPT:
        ids = [ids[0], *ids[-(REFERENCES_KEPT - 1) :]]
    return ids[-1], " ".join(ids)


def new_message_id(ticket: Ticket) -> str:
    """An RFC 5322 Message-ID naming the ticket, so a reply threads even without our rows."""
    return f"<{ticket.reference}.{secrets.token_hex(8)}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


def thread_headers(ticket: Ticket, recipient: str) -> tuple[str, str]:
    """In-Reply-To and References for the next email to `recipient` about `ticket`: the ids of
    the earlier emails of that conversation (ours to them, and the customer's own)."""
    earlier = list(
        Notification.objects.filter(ticket=ticket, recipient=recipient).values_list(
            "created_at", "message_id"
        )
    )
    if recipient == ticket.requester.email:
        earlier += Message.objects.filter(
            ticket=ticket, author_type=Message.Author.CUSTOMER, email_message_id__isnull=False
        ).values_list("created_at", "email_message_id")
    return _headers(sorted(earlier))


def notify(
    *,
    ticket: Ticket,
    template: str,
    recipient: str,
    language: str,
    key: str,
    context: dict | None = None,
    user: User | None = None,
    event=None,
    not_before: datetime | None = None,
) -> Notification | None:
    """Write one notification in the caller's transaction; its delivery is published after
    commit (or, with `not_before` in the future, by the sweep once it is due).

    Returns None if a notification with this key exists: its cause was notified already.
    """
    now = timezone.now()
    due = not_before is None or not_before <= now
    collecting = _batch.get()
    # In a batch the thread headers are read for all rows at once when it ends.
    in_reply_to, references = ("", "") if collecting else thread_headers(ticket, recipient)
    notification = Notification(
        idempotency_key=key,
        template=template,
        audience=(
            Notification.Audience.AGENT
            if template in Notification.AGENT_TEMPLATES
            else Notification.Audience.CUSTOMER
        ),
        ticket=ticket,
        event=event,
        recipient=recipient,
        recipient_user=user,
        language=language,
        context=context or {},
        message_id=new_message_id(ticket),
        in_reply_to=in_reply_to,
        references=references,
        next_attempt_at=now if due else not_before,
        enqueued_at=now if due else None,
        created_at=now,
    )
    if collecting is not None:
        collecting.rows.append(notification)
        return notification
    try:
        # A savepoint: a second notification for the same key must not undo the caller's change.
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        if Notification.objects.filter(idempotency_key=key).exists():
            return None
        raise
    if due:
        transaction.on_commit(partial(enqueue, [notification.pk]))
    return notification


def enqueue(ids: list[int], *, countdown: float | None = None) -> bool:
    """Publish delivery tasks. Never raises for a broker problem: the rows stay pending and the
    sweep publishes them; the change that wrote them is committed and must not look failed."""
    global _broker_paused_until

    if not ids or time.monotonic() < _broker_paused_until:
        return False
    try:
        for pk in ids:
            tasks.deliver_notification_task.apply_async((pk,), countdown=countdown)
    except BrokerError as error:
        _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "broker unavailable (%s); %d notification(s) left to the outbox sweep", error, len(ids)
        )
        return False
    return True


def resume_publishing() -> None:
    """Forget a failed publish (tests; a process that knows the broker is back)."""
    global _broker_paused_until
    _broker_paused_until = 0.0


@dataclass(frozen=True)
class SweepResult:
    resent: int  # claims of dead workers that had not handed the message over: sent again
    unconfirmed: int  # claims of dead workers that had: sent again after a delay
    published: int  # due rows no worker took, published again
    resent_unconfirmed: int = 0  # unconfirmed rows whose delay passed: sent once more


def claim_timeout() -> timedelta:
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + CLAIM_MARGIN_SECONDS)


def sweep(*, now: datetime | None = None) -> SweepResult:
    """Recover what a dead worker or a lost broker message left behind; safe to run twice at
    once (the row locks are skipped, not waited for, so two sweeps share the work)."""
    now = now or timezone.now()
    # A claim older than the hard time limit belongs to a dead worker: a live one would have
    # been killed by now. (So a live worker never has its claim taken from under it.)
    dead = Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=now - claim_timeout()
    )
    # The mail server had the whole message when its worker died and may have delivered it.
    # A receipt must not be lost: it goes once more after a delay, with the same Message-ID, so
    # a mail program shows a rare duplicate in the same thread. Once only: a second death after
    # the hand-over leaves it unconfirmed for a person.
    resend_at = now + timedelta(seconds=settings.NOTIFICATION_UNCONFIRMED_RESEND_SECONDS)
    handed_over = dead.filter(handed_over_at__isnull=False)
    unconfirmed = handed_over.filter(unconfirmed_resent_at__isnull=True).update(
        status=Notification.Status.UNCONFIRMED,
        next_attempt_at=resend_at,
        last_error=(
            "The worker stopped after handing the message to the mail server and before it "
            f"answered. It was probably delivered; it is sent once more at {resend_at:%H:%M} "
            "UTC with the same Message-ID."
        ),
    )
    unconfirmed += handed_over.update(
        status=Notification.Status.UNCONFIRMED,
        last_error=(
            "The worker stopped after handing the message to the mail server, twice. It was "
            "probably delivered; send it again by hand if the recipient says it was not."
        ),
    )
    resent_unconfirmed = Notification.objects.filter(
        status=Notification.Status.UNCONFIRMED,
        unconfirmed_resent_at__isnull=True,
        next_attempt_at__lte=now,
    ).update(
        status=Notification.Status.PENDING,
        unconfirmed_resent_at=now,
        next_attempt_at=now,
        enqueued_at=None,
        claimed_at=None,
        handed_over_at=None,
        last_error="Sent once more after an unconfirmed attempt, with the same Message-ID.",
    )
    resent = dead.filter(handed_over_at__isnull=True).update(
        status=Notification.Status.PENDING,
        next_attempt_at=now,
        enqueued_at=None,
        claimed_at=None,
        last_error="The worker stopped before handing the message over; sending it again.",
    )
    picked_up_by = now - timedelta(seconds=settings.NOTIFICATION_PICKUP_SECONDS)
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=picked_up_by))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        Notification.objects.filter(pk__in=ids).update(enqueued_at=now)
        transaction.on_commit(partial(enqueue, ids))
    if resent or unconfirmed or resent_unconfirmed or ids:
        logger.info(
            "outbox sweep: %d resent after a dead worker, %d unconfirmed, %d unconfirmed sent "
            "once more, %d published",
            resent,
            unconfirmed,
            resent_unconfirmed,
            len(ids),
        )
    return SweepResult(
        resent=resent,
        unconfirmed=unconfirmed,
        published=len(ids),
        resent_unconfirmed=resent_unconfirmed,
    )


RETRYABLE = (Notification.Status.FAILED, Notification.Status.UNCONFIRMED)


def retry(ids, *, by: User | None = None) -> int:
    """Send failed or unconfirmed notifications again (the admin's action). A sent one is
    never sent twice: only the rows still failed or unconfirmed when locked are reset."""
    now = timezone.now()
    with transaction.atomic():
        reset = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(ids), status__in=RETRYABLE)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=reset, status__in=RETRYABLE).update(
            status=Notification.Status.PENDING,
            attempts=0,
            next_attempt_at=now,
            enqueued_at=now,
            claimed_at=None,
            handed_over_at=None,
            last_error=f"Retried by {by.email if by else 'an admin'} at {now:%Y-%m-%d %H:%M} UTC.",
        )
        transaction.on_commit(partial(enqueue, reset))
    return len(reset)
