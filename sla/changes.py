"""Configuration edits that move running deadlines: a calendar's hours or holidays, a policy's
targets or activity. The recomputation runs in a task after the edit commits (a calendar can
carry a hundred thousand running timers; an admin request should not)."""

from typing import Any

from django.utils import timezone

from tickets.models import BusinessCalendar, SLATimer

from . import tasks  # tasks imports the SLA engine: names are looked up when used
from .calendars import snapshot


def calendar_edited(calendar: BusinessCalendar, previous: dict[str, Any]) -> bool:
    """Call after saving a calendar's hours or holidays, with its snapshot() from before.

    Returns whether anything changed (and a recomputation was queued)."""
    fresh = BusinessCalendar.objects.prefetch_related("windows", "holidays").get(pk=calendar.pk)
    if snapshot(fresh) == previous:
        return False
    if not SLATimer.objects.active().filter(calendar=calendar).exists():
        return True
    tasks.sla_calendar_changed_task.delay_on_commit(
        calendar.pk, previous, timezone.now().isoformat()
    )
    return True


def policy_edited(policy_id: int) -> None:
    """Call after saving a policy, its targets or its ladder."""
    tasks.sla_policy_changed_task.delay_on_commit(policy_id)
