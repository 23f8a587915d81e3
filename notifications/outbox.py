"""The outbox: writing notifications, publishing their delivery, and the sweep that makes sure
every one is delivered even when the broker was down or a worker died (docs/design.md section 7).

A notification is a row written in the transaction of the change that caused it, so it exists
exactly when the change does. Publishing the delivery task happens after commit and may fail
(Redis down): the row stays pending and the sweep publishes it again. Delivery claims the row
by compare-and-swap, so however many copies of its task run, it is sent at most once.
"""

import logging
import secrets
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tickets.models import Message, Notification, Ticket, User

from . import core, tasks  # tasks imports this module too: names are looked up when used
from .core import claim_timeout, resume_publishing  # noqa: F401  (the outbox's API)

logger = logging.getLogger(__name__)

EMAILS = core.Kind(
    model=Notification,
    task=lambda: tasks.deliver_notification_task,
    noun="notification",
    retry_base_setting="NOTIFICATION_RETRY_BASE_SECONDS",
    retry_max_setting="NOTIFICATION_RETRY_MAX_SECONDS",
    pickup_setting="NOTIFICATION_PICKUP_SECONDS",
)
# References keeps the thread's first id and the latest ones (RFC 5322 section 3.6.4).
REFERENCES_KEPT = 10


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


def in_batch(match) -> Notification | None:
    """The first notification of the running batch (not written yet) for which `match(row)` is
    true; None outside batch()."""
    current = _batch.get()
    if current is None:
        return None
    return next((row for row in current.rows if match(row)), None)


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
        EMAILS.enqueue_on_commit(ids)


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


def new_message_id(ticket: Ticket | None) -> str:
    """An RFC 5322 Message-ID naming the ticket, so a reply threads even without our rows."""
    about = ticket.reference if ticket is not None else "account"
    return f"<{about}.{secrets.token_hex(8)}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


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
    thread: bool = True,
) -> Notification | None:
    """Write one notification in the caller's transaction; its delivery is published after
    commit (or, with `not_before` in the future, by the sweep once it is due).

    Returns None if a notification with this key exists: its cause was notified already.
    `thread=False`: the first email of its conversation (no In-Reply-To to look for).
    """
    now = timezone.now()
    due = not_before is None or not_before <= now
    collecting = _batch.get()
    # In a batch the thread headers are read for all rows at once when it ends.
    threaded = thread and not collecting
    in_reply_to, references = thread_headers(ticket, recipient) if threaded else ("", "")
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
    if event is not None and key.startswith(f"event:{event.pk}:"):
        # The event was written in this very transaction: no other one can know its id, so
        # nobody else can have used the key. No savepoint needed.
        notification.save()
    else:
        try:
            # A savepoint: a second notification for the same key must not undo the caller's
            # change.
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            if Notification.objects.filter(idempotency_key=key).exists():
                return None
            raise
    if due:
        EMAILS.enqueue_on_commit([notification.pk])
    return notification


def notify_account(*, user: User, template: str, language: str) -> Notification:
    """Write an account email (Notification.ACCOUNT_TEMPLATES) in the caller's transaction;
    its delivery is published after commit. The row holds no link: a verification or reset
    link is made when the email is sent, so no working token rests in the outbox."""
    assert template in Notification.ACCOUNT_TEMPLATES, template
    now = timezone.now()
    notification = Notification.objects.create(
        # Each request is its own email: the customer may ask twice.
        idempotency_key=f"{template}:{user.pk}:{secrets.token_hex(8)}",
        template=template,
        audience=Notification.Audience.CUSTOMER,
        recipient=user.email,
        recipient_user=user,
        language=language,
        message_id=new_message_id(None),
        next_attempt_at=now,
        enqueued_at=now,
        created_at=now,
    )
    EMAILS.enqueue_on_commit([notification.pk])
    return notification


@dataclass(frozen=True)
class SweepResult:
    resent: int  # claims of dead workers that had not handed the message over: sent again
    unconfirmed: int  # claims of dead workers that had: sent again after a delay
    published: int  # due rows no worker took, published again
    resent_unconfirmed: int = 0  # unconfirmed rows whose delay passed: sent once more


def sweep(*, now: datetime | None = None) -> SweepResult:
    """Recover what a dead worker or a lost broker message left behind; safe to run twice at
    once (the row locks are skipped, not waited for, so two sweeps share the work)."""
    now = now or timezone.now()
    dead = EMAILS.dead_claims(now)
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
    resent = EMAILS.take_back(
        dead.filter(handed_over_at__isnull=True),
        now,
        last_error="The worker stopped before handing the message over; sending it again.",
    )
    published = EMAILS.publish_due(now)
    if resent or unconfirmed or resent_unconfirmed or published:
        logger.info(
            "outbox sweep: %d resent after a dead worker, %d unconfirmed, %d unconfirmed sent "
            "once more, %d published",
            resent,
            unconfirmed,
            resent_unconfirmed,
            published,
        )
    return SweepResult(
        resent=resent,
        unconfirmed=unconfirmed,
        published=published,
        resent_unconfirmed=resent_unconfirmed,
    )


RETRYABLE = (Notification.Status.FAILED, Notification.Status.UNCONFIRMED)


def retry(ids, *, by: User | None = None) -> int:
    """Send failed or unconfirmed notifications again (the admin's action). A sent one is
    never sent twice: only the rows still failed or unconfirmed when locked are reset."""
    return EMAILS.retry(ids, by=by, retryable=RETRYABLE, handed_over_at=None)
