"""The delivery core: what every outbound message kind shares (docs/design.md section 7).

A message is a row written in the transaction of the change that caused it. Its delivery task is
published after commit; publishing may fail (the broker down) and the sweep publishes it again. A
worker claims the row by compare-and-swap (pending -> sending), so however many copies of its
task run, one attempt is made at a time; a failed attempt goes back to pending with jittered
exponential backoff; a claim older than the task's hard time limit belongs to a dead worker and is
taken back; an admin sends failed rows again.

Two kinds use it, each with its own transport and table: emails (notifications.outbox and
notifications.delivery, SMTP) and webhooks (api.webhooks, HTTP). A kind is a `Kind` naming its
model, its task and its settings; the rows' status values are the same strings in both tables.
"""

import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

PENDING, SENDING, FAILED = "pending", "sending", "failed"
# At most this many rows are published per sweep, oldest first. A backlog (a long outage, a
# slow worker) then drains over several sweeps instead of the broker filling with copies of
# tasks that are still queued; each copy costs a worker one UPDATE that matches nothing.
SWEEP_BATCH = 500
# A live worker holds a claim at most CELERY_TASK_TIME_LIMIT (the hard limit kills the task);
# a claim older than that plus this margin belongs to a worker that died.
CLAIM_MARGIN_SECONDS = 30
# After a failed publish, this process stops trying for a while: with the broker down, each
# attempt costs a request about a second, and the sweep publishes these rows anyway. One broker
# carries every kind, so the pause is shared.
BROKER_PAUSE_SECONDS = 15

_broker_paused_until = 0.0


def resume_publishing() -> None:
    """Forget a failed publish (tests; a process that knows the broker is back)."""
    global _broker_paused_until
    _broker_paused_until = 0.0


def claim_timeout() -> timedelta:
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + CLAIM_MARGIN_SECONDS)


@dataclass
class Kind:
    """One kind of outbound message: its table, its delivery task and its settings."""

    model: type[models.Model]
    # The Celery task that delivers one row by id (a callable, so that the tasks module, which
    # imports the kind's module, is looked up when first used).
    task: Callable[[], object]
    noun: str  # in log lines: "notification", "webhook"
    # Names of the settings: seconds before the first retry, cap on the wait, and how long a
    # published row may wait for a worker before the sweep publishes it again.
    retry_base_setting: str
    retry_max_setting: str
    pickup_setting: str

    def enqueue(self, ids: Iterable[int], *, countdown: float | None = None) -> bool:
        """Publish delivery tasks. Never raises for a broker problem: the rows stay pending and
        the sweep publishes them; the change that wrote them is committed and must not look
        failed."""
        global _broker_paused_until

        ids = list(ids)
        if not ids or time.monotonic() < _broker_paused_until:
            return False
        task = self.task()
        try:
            for pk in ids:
                task.apply_async((pk,), countdown=countdown)
        except BrokerError as error:
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
            logger.warning(
                "broker unavailable (%s); %d %s(s) left to the sweep", error, len(ids), self.noun
            )
            return False
        return True

    def enqueue_on_commit(self, ids: Iterable[int]) -> None:
        transaction.on_commit(partial(self.enqueue, list(ids)))

    def claim(self, pk: int, now: datetime, **changes) -> bool:
        """Take a due pending row for one attempt; False if another worker has it, it is done,
        or its retry is not due yet."""
        return bool(
            self.model.objects.filter(pk=pk, status=PENDING, next_attempt_at__lte=now).update(
                status=SENDING, claimed_at=now, attempts=F("attempts") + 1, **changes
            )
        )

    def backoff(self, attempts: int) -> timedelta:
        """Exponential, capped, with jitter so that a backlog does not retry in lockstep."""
        seconds = min(
            getattr(settings, self.retry_max_setting),
            getattr(settings, self.retry_base_setting) * 2 ** max(attempts - 1, 0),
        )
        return timedelta(seconds=seconds * random.uniform(0.8, 1.0))

    def release(
        self, pk: int, attempts: int, *, claimed_at: datetime, **changes
    ) -> timedelta | None:
        """Put this worker's claim (made at `claimed_at`) back to pending after a failed
        attempt, due after the backoff, and publish its retry with that countdown. None if the
        claim was lost meanwhile: the sweep took it back, and another worker may hold it now."""
        wait = self.backoff(attempts)
        due = timezone.now() + wait
        mine = self.model.objects.filter(pk=pk, status=SENDING, claimed_at=claimed_at)
        released = mine.update(
            status=PENDING,
            next_attempt_at=due,
            # Published now with a countdown, so the sweep counts from when it is due.
            enqueued_at=due,
            claimed_at=None,
            **changes,
        )
        if not released:
            return None
        self.enqueue([pk], countdown=wait.total_seconds())
        return wait

    def dead_claims(self, now: datetime) -> models.QuerySet:
        """Rows claimed by a worker that died: a live one is killed at the hard time limit, so
        a live worker never has its claim taken from under it."""
        return self.model.objects.filter(status=SENDING, claimed_at__lt=now - claim_timeout())

    def take_back(self, claims: models.QuerySet, now: datetime, **changes) -> int:
        """Dead workers' claims become pending, due now."""
        return claims.update(
            status=PENDING, next_attempt_at=now, enqueued_at=None, claimed_at=None, **changes
        )

    def publish_due(self, now: datetime) -> int:
        """Publish due pending rows that no worker took (never published, or published longer
        ago than the pickup time); safe to run twice at once: locked rows are skipped."""
        picked_up_by = now - timedelta(seconds=getattr(settings, self.pickup_setting))
        with transaction.atomic():
            ids = list(
                self.model.objects.select_for_update(skip_locked=True)
                .filter(status=PENDING, next_attempt_at__lte=now)
                .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=picked_up_by))
                .order_by("next_attempt_at")
                .values_list("pk", flat=True)[:SWEEP_BATCH]
            )
            self.model.objects.filter(pk__in=ids).update(enqueued_at=now)
            self.enqueue_on_commit(ids)
        return len(ids)

    def retry(
        self, ids: Iterable[int], *, by=None, retryable: Iterable[str] = (FAILED,), **changes
    ) -> int:
        """Send rows again that are still in a retryable state when locked (the admin's action,
        `by` that admin): a delivered or pending row is never sent twice."""
        retryable = list(retryable)
        now = timezone.now()
        who = by.email if by is not None else "an admin"
        with transaction.atomic():
            reset = list(
                self.model.objects.select_for_update()
                .filter(pk__in=list(ids), status__in=retryable)
                .values_list("pk", flat=True)
            )
            self.model.objects.filter(pk__in=reset, status__in=retryable).update(
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                enqueued_at=now,
                claimed_at=None,
                last_error=f"Retried by {who} at {now:%Y-%m-%d %H:%M} UTC.",
                **changes,
            )
            self.enqueue_on_commit(reset)
        return len(reset)
