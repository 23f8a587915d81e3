"""Writing, counting and reading in-app notifications.

Rows are written in the caller's transaction (a ticket event's reaction, an SLA sweep batch);
after commit each recipient's open pages hear of it through tickets.live (the bell's count and
a short line). A page without a live connection polls the count instead.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation

from tickets import live
from tickets.models import Ticket, TicketEvent, User

from .models import StaffNotification

Kind = StaffNotification.Kind


@dataclass
class Batch:
    """Rows collected by batch(), written with one insert when it ends."""

    rows: list[StaffNotification] = field(default_factory=list)
    # Users by id, read once per batch (a sweep tells the same agents about many tickets).
    users: dict[int, User | None] = field(default_factory=dict)


_batch: ContextVar[Batch | None] = ContextVar("inbox_batch", default=None)


@contextmanager
def batch() -> Iterator[Batch]:
    """Collect the notifications written inside into one insert and one count query, for
    callers that write thousands in one transaction (the SLA sweep). Use it inside the
    caller's transaction; nothing is written if the block raises."""
    current = Batch()
    token = _batch.set(current)
    try:
        yield current
    finally:
        _batch.reset(token)
    _write(current.rows)


def active_users(ids: list[int]) -> list[User]:
    """The active users with these ids; in a batch, each user is read once."""
    collecting = _batch.get()
    if collecting is None:
        return list(User.objects.filter(pk__in=ids, is_active=True))
    known = collecting.users
    missing = [pk for pk in ids if pk not in known]
    if missing:
        found = {user.pk: user for user in User.objects.filter(pk__in=missing)}
        known.update({pk: found.get(pk) for pk in missing})
    return [known[pk] for pk in ids if known[pk] is not None and known[pk].is_active]


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    ticket: Ticket,
    key: str,
    event: TicketEvent | None = None,
    actor: User | None = None,
    data: dict | None = None,
) -> None:
    """Tell each active recipient in-app, once per `key` (each row's key is f"{key}:{user id}").

    Email preferences do not apply: an agent who muted an email still sees it here.
    """
    now = timezone.now()
    rows = [
        StaffNotification(
            recipient=user,
            kind=kind,
            ticket=ticket,
            event=event,
            actor=actor,
            data=data or {},
            key=f"{key}:{user.pk}",
            created_at=now,
        )
        for user in {user.pk: user for user in recipients if user.is_active}.values()
    ]
    collecting = _batch.get()
    if collecting is not None:
        collecting.rows.extend(rows)
    else:
        # The event was written in this very transaction: nobody else can know its id, so its
        # keys are new, and the insert returns the ids the links need.
        _write(rows, new_keys=event is not None and key.startswith(f"event:{event.pk}:"))


def _write(rows: list[StaffNotification], *, new_keys: bool = False) -> None:
    if not rows:
        return
    if new_keys:
        StaffNotification.objects.bulk_create(rows)
    else:
        # A key already used was told before (an SLA step run twice): skipped, not an error,
        # and without a savepoint (ON CONFLICT DO NOTHING; the rows get no ids back).
        StaffNotification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    counts = unread_counts({row.recipient_id for row in rows})
    for row in rows:
        _announce(row, counts.get(row.recipient_id, 0))


def _announce(row: StaffNotification, unread: int) -> None:
    """After commit, the recipient's open pages: the new count and one line in their language."""
    user = row.recipient
    with translation.override(user.language or None):
        text = row.summary()
    live.publish(
        live.user_group(user.pk),
        "notification",
        unread=unread,
        text=text,
        url=(
            reverse("staff-notification-open", args=[row.pk])
            if row.pk
            else reverse("staff-notifications")
        ),
    )


def unread_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """Unread notifications per user: one query on the (recipient, read_at) index."""
    return dict(
        StaffNotification.objects.filter(recipient_id__in=list(user_ids), read_at=None)
        .values("recipient_id")
        .annotate(n=Count("id"))
        .values_list("recipient_id", "n")
    )


def unread_count(user: User) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return StaffNotification.objects.filter(recipient=user, read_at=None).count()


def for_user(user: User):
    """A staff member's notifications, newest first: only ever their own."""
    return (
        StaffNotification.objects.filter(recipient=user)
        .select_related("ticket", "actor")
        .order_by("-created_at", "-id")
    )


def mark_read(user: User, notification_id: int) -> StaffNotification | None:
    """Mark one of `user`'s notifications read (already read: unchanged); None if it is not
    theirs, exactly as if it did not exist."""
    notification = for_user(user).filter(pk=notification_id).first()
    if notification is None:
        return None
    if notification.read_at is None:
        now = timezone.now()
        # Compare-and-swap: a second tab opening it at the same time keeps the first instant.
        if StaffNotification.objects.filter(pk=notification.pk, read_at=None).update(read_at=now):
            notification.read_at = now
        _announce_count(user)
    return notification


def mark_all_read(user: User) -> int:
    """Mark all of `user`'s unread notifications read; how many were."""
    changed = StaffNotification.objects.filter(recipient=user, read_at=None).update(
        read_at=timezone.now()
    )
    if changed:
        _announce_count(user)
    return changed


def _announce_count(user: User) -> None:
    """Other open pages of the same person follow the count down (no line to show)."""
    live.publish(live.user_group(user.pk), "notification", unread=unread_count(user))
