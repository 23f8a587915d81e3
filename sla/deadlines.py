"""What a ticket row or page shows of its SLA: each running deadline separately, with a colour.

For a list, load the tickets with `Ticket.objects.with_sla_timers()`, or pass tickets already
loaded to `prefetch_related_objects(tickets, sla_timers_prefetch())` (one query for the whole
page), and call `running_deadlines(ticket, now=now)` per row: it reads only what was preloaded.
Colours follow the warning thresholds: green until the first warning level, amber from it, red
once due; grey while paused.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from tickets.models import SLATimer, Ticket

GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
_SEVERITY = {GREY: 0, GREEN: 1, AMBER: 2, RED: 3}


@dataclass(frozen=True)
class Deadline:
    metric: str  # first_response, next_response, resolution
    label: str  # translated metric name
    cycle: int
    state: str  # running, paused, breached
    colour: str  # green, amber, red, grey
    due_at: datetime | None  # None while paused: the clock is stopped
    # Running: wall-clock seconds until due (negative once overdue). Paused: the target's own
    # time (business or calendar) still left, which is what resuming will start from.
    remaining_seconds: int
    target_minutes: int
    business_hours: bool
    paused_since: datetime | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for the API and for data attributes in the staff templates."""
        return {
            "metric": self.metric,
            "label": self.label,
            "cycle": self.cycle,
            "state": self.state,
            "colour": self.colour,
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "remaining_seconds": self.remaining_seconds,
            "target_minutes": self.target_minutes,
            "business_hours": self.business_hours,
            "paused_since": self.paused_since.isoformat() if self.paused_since else None,
        }


def colour(timer: SLATimer, now: datetime) -> str:
    if timer.status == SLATimer.Status.PAUSED:
        return RED if timer.breached_at else GREY
    if timer.breached_at is not None or timer.due_at <= now:
        return RED
    if timer.warned_levels or (timer.next_warning_at is not None and timer.next_warning_at <= now):
        return AMBER
    return GREEN


def deadline(timer: SLATimer, now: datetime) -> Deadline:
    paused = timer.status == SLATimer.Status.PAUSED
    if paused:
        state = "paused"
        remaining = timer.target_seconds - timer.elapsed_seconds
    else:
        state = "breached" if timer.breached_at or timer.due_at <= now else "running"
        remaining = round((timer.due_at - now).total_seconds())
    return Deadline(
        metric=timer.metric,
        label=str(timer.get_metric_display()),
        cycle=timer.cycle,
        state=state,
        colour=colour(timer, now),
        due_at=None if paused else timer.due_at,
        remaining_seconds=remaining,
        target_minutes=timer.target_minutes,
        business_hours=timer.calendar_id is not None and not timer.calendar.is_24_7,
        paused_since=timer.paused_at,
    )


def running_deadlines(ticket: Ticket, *, now: datetime) -> list[Deadline]:
    """The ticket's running and paused deadlines, the soonest first (paused ones last).

    Uses `ticket.active_sla_timers` when the ticket came from with_sla_timers(), else one query.
    """
    timers = getattr(ticket, "active_sla_timers", None)
    if timers is None:
        timers = list(ticket.sla_timers.active().select_related("calendar"))
    deadlines = [deadline(timer, now) for timer in timers]
    return sorted(
        deadlines,
        key=lambda d: (d.due_at is None, d.due_at or now, d.metric),
    )


def worst_colour(deadlines: list[Deadline]) -> str | None:
    """The colour of a ticket's row: its most urgent deadline's (None without any)."""
    if not deadlines:
        return None
    return max((d.colour for d in deadlines), key=_SEVERITY.__getitem__)


def describe(d: Deadline) -> str:
    """A short text for a row, e.g. "First response: 25 min left" or "Resolution: 2 h overdue"."""
    minutes = abs(d.remaining_seconds) // 60
    amount = (
        _("%(h)s h %(m)s min") % {"h": minutes // 60, "m": minutes % 60}
        if minutes >= 60
        else (_("%(m)s min") % {"m": minutes})
    )
    if d.state == "paused":
        return _("%(label)s: paused, %(amount)s left") % {"label": d.label, "amount": amount}
    if d.remaining_seconds < 0:
        return _("%(label)s: %(amount)s overdue") % {"label": d.label, "amount": amount}
    return _("%(label)s: %(amount)s left") % {"label": d.label, "amount": amount}
