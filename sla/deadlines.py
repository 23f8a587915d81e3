"""What a ticket row or page shows of its SLA: each running deadline separately, with a colour.

For a list, load the tickets with `Ticket.objects.with_sla_timers()`, or pass tickets already
loaded to `prefetch_related_objects(tickets, sla_timers_prefetch())` (one query for the whole
page), and call `running_deadlines(ticket, now=now)` per row: it reads only what was preloaded.
Colours follow the warning thresholds: green until the first warning level, amber from it, red
once due; grey while paused.

Time left is always counted on the timer's own clock: business time for a target counted in
business hours, wall-clock time only for a target counted around the clock. That is the same
unit whether the timer runs or is paused, so an agent never sees "27 h left" turn into "12 h
left" when the customer is asked a question (issue 17). Pass one `calendars.Clocks` for a whole
page: each calendar's windows and holidays are then read once.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from tickets.models import SLATimer, Ticket

from .business_time import Clock
from .calendars import Clocks

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
    # The target's own time (business or calendar) still left, running or paused; negative once
    # overdue (by that much of the target's own time).
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


def time_used(timer: SLATimer, clock: Clock, now: datetime) -> int:
    """Seconds of its target the timer has used by `now` (engine.elapsed_at, read-only)."""
    if timer.status in SLATimer.COUNTING_STATUSES and now > timer.counted_until:
        between = clock.between(timer.counted_until, now).total_seconds()
        return timer.elapsed_seconds + max(0, round(between))
    return timer.elapsed_seconds


def deadline(timer: SLATimer, now: datetime, clock: Clock | None = None) -> Deadline:
    paused = timer.status == SLATimer.Status.PAUSED
    if clock is None:
        clock = Clocks().for_calendar(timer.calendar)
    remaining = timer.target_seconds - time_used(timer, clock, now)
    if paused:
        state = "paused"
    else:
        state = "breached" if timer.breached_at or timer.due_at <= now else "running"
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


def running_deadlines(
    ticket: Ticket, *, now: datetime, clocks: Clocks | None = None
) -> list[Deadline]:
    """The ticket's running and paused deadlines, the soonest first (paused ones last).

    Uses `ticket.active_sla_timers` when the ticket came from with_sla_timers(), else one query.
    """
    timers = getattr(ticket, "active_sla_timers", None)
    if timers is None:
        timers = list(ticket.sla_timers.active().select_related("calendar"))
    clocks = clocks or Clocks()
    deadlines = [deadline(timer, now, clocks.for_calendar(timer.calendar)) for timer in timers]
    return sorted(
        deadlines,
        key=lambda d: (d.due_at is None, d.due_at or now, d.metric),
    )


def worst_colour(deadlines: list[Deadline]) -> str | None:
    """The colour of a ticket's row: its most urgent deadline's (None without any)."""
    if not deadlines:
        return None
    return max((d.colour for d in deadlines), key=_SEVERITY.__getitem__)


def amount(seconds: int) -> str:
    """A length of time as "12 h 51 min" or "25 min" (minutes rounded down)."""
    minutes = abs(seconds) // 60
    if minutes >= 60:
        return _("%(h)s h %(m)s min") % {"h": minutes // 60, "m": minutes % 60}
    return _("%(m)s min") % {"m": minutes}


def describe(d: Deadline, *, with_label: bool = True) -> str:
    """What is left, in one unit running or paused: "First response: 12 h 51 min left (business
    hours)", "Resolution: paused · 2 h 50 min left", "First response: overdue by 5 min"."""
    values = {"label": d.label, "amount": amount(d.remaining_seconds)}
    overdue = d.remaining_seconds < 0
    if d.state == "paused":
        if overdue:
            text = (
                _("paused · overdue by %(amount)s (business hours)")
                if d.business_hours
                else _("paused · overdue by %(amount)s")
            )
        else:
            text = (
                _("paused · %(amount)s left (business hours)")
                if d.business_hours
                else _("paused · %(amount)s left")
            )
    elif overdue:
        text = (
            _("overdue by %(amount)s (business hours)")
            if d.business_hours
            else _("overdue by %(amount)s")
        )
    else:
        text = _("%(amount)s left (business hours)") if d.business_hours else _("%(amount)s left")
    text = text % values
    if not with_label:
        return text
    return _("%(label)s: %(text)s") % {"label": d.label, "text": text}
