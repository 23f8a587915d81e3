"""Celery tasks of the SLA timers. Named as they were when they lived in tickets.tasks, so the
beat schedule and messages already queued keep finding them."""

from datetime import datetime

from celery import shared_task

from . import engine
from .calendars import clock_from_snapshot
from .sweep import sweep

# Seconds of work per recomputation task, well inside the soft time limit: a policy or calendar
# carrying a hundred thousand running timers continues in a follow-up task.
RECOMPUTE_SECONDS = 40


@shared_task(name="tickets.tasks.sla_sweep_task")
def sla_sweep_task() -> dict[str, float]:
    """Beat sends it every SLA_SWEEP_SECONDS (settings.CELERY_BEAT_SCHEDULE["sla-sweep"],
    expiring when the next is sent, so a backlog never runs stale sweeps). Safe to run twice at
    once."""
    return sweep().as_dict()


@shared_task(name="tickets.tasks.sla_policy_changed_task")
def sla_policy_changed_task(policy_id: int, after: int = 0) -> int:
    """An admin edited or deactivated a policy: re-evaluate the tickets its timers run on
    (those with ids above `after`)."""
    progress = engine.recompute_policy(policy_id, after=after, seconds_left=RECOMPUTE_SECONDS)
    if progress.resume_after is not None:
        sla_policy_changed_task.delay(policy_id, after=progress.resume_after)
    return progress.done


@shared_task(name="tickets.tasks.sla_calendar_changed_task")
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
