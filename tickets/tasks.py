"""Celery tasks of the tickets app: each takes ids (or nothing), loads, and calls the code that
does the work. Notifications are published after commit only (outbox.enqueue runs in on_commit),
so a worker never looks for a row that is not committed yet.
"""

from datetime import datetime

from celery import shared_task

from .notifications import delivery, outbox
from .services import send_access_link_if_matching
from .sla import engine
from .sla.calendars import clock_from_snapshot
from .sla.sweep import sweep

# Seconds of work per recomputation task, well inside the soft time limit: a policy or calendar
# carrying a hundred thousand running timers continues in a follow-up task.
RECOMPUTE_SECONDS = 40


@shared_task
def sla_sweep_task() -> dict[str, float]:
    """Beat sends it every minute (settings.CELERY_BEAT_SCHEDULE["sla-sweep"], expiring after
    55 s so a backlog never runs stale sweeps). Safe to run twice at once."""
    return sweep().as_dict()


@shared_task
def sla_policy_changed_task(policy_id: int, after: int = 0) -> int:
    """An admin edited or deactivated a policy: re-evaluate the tickets its timers run on
    (those with ids above `after`)."""
    progress = engine.recompute_policy(policy_id, after=after, seconds_left=RECOMPUTE_SECONDS)
    if progress.resume_after is not None:
        sla_policy_changed_task.delay(policy_id, after=progress.resume_after)
    return progress.done


@shared_task
def sla_calendar_changed_task(
    calendar_id: int, previous: dict, changed_at: str, after: int = 0
) -> int:
    """An admin edited a calendar: count the time used until the edit with the calendar as it
    was (`previous`, a calendars.snapshot()), project the rest with the calendar as it is."""
    progress = engine.recompute_calendar(
        calendar_id,
        previous=clock_from_snapshot(previous),
        changed_at=datetime.fromisoformat(changed_at),
        after=after,
        seconds_left=RECOMPUTE_SECONDS,
    )
    if progress.resume_after is not None:
        sla_calendar_changed_task.delay(
            calendar_id, previous, changed_at, after=progress.resume_after
        )
    return progress.done


@shared_task
def deliver_notification_task(notification_id: int) -> str:
    """Send one outbox notification, at most once; retries are scheduled on the row."""
    return delivery.deliver(notification_id)


@shared_task
def sweep_outbox_task() -> None:
    """Every minute (beat): republish notifications no worker took, recover dead workers'."""
    outbox.sweep()


@shared_task
def send_access_link_task(reference: str, email: str) -> bool:
    """A fresh link asked for on /tickets/link/, looked up here and not in the request: the
    page answers in the same time whether the reference and the address match."""

    return send_access_link_if_matching(reference=reference, email=email)
