"""Clocks for business calendars: a BusinessCalendar's rows turned into a business_time.Schedule
(or the wall clock for 24/7), built once per operation and shared by every timer on it."""

from collections.abc import Iterable
from datetime import date, time
from typing import Any

from tickets.models import BusinessCalendar, SLATimer

from .business_time import WALL_CLOCK, Clock, Schedule


def build_clock(calendar: BusinessCalendar | None) -> Clock:
    """The clock of a calendar; None (a target counted around the clock) is the wall clock.

    Reads `calendar.windows` and `calendar.holidays` (prefetch them for many calendars)."""
    if calendar is None or calendar.is_24_7:
        return WALL_CLOCK
    weekly: dict[int, list[tuple[time, time]]] = {}
    for window in calendar.windows.all():
        weekly.setdefault(window.weekday, []).append((window.starts_at, window.ends_at))
    dated, yearly = [], []
    for holiday in calendar.holidays.all():
        if holiday.is_yearly:
            yearly.append((holiday.date.month, holiday.date.day))
        else:
            dated.append(holiday.date)
    return Schedule.build(
        tz=calendar.time_zone, weekly=weekly, holidays=dated, yearly_holidays=yearly
    )


def snapshot(calendar: BusinessCalendar) -> dict[str, Any]:
    """The calendar as it is now, as JSON, so a task can still count with it after an edit."""
    return {
        "time_zone": calendar.time_zone,
        "is_24_7": calendar.is_24_7,
        "windows": [
            [w.weekday, w.starts_at.isoformat(), w.ends_at.isoformat()]
            for w in calendar.windows.all()
        ],
        "holidays": [[h.date.isoformat(), h.is_yearly] for h in calendar.holidays.all()],
    }


def clock_from_snapshot(data: dict[str, Any]) -> Clock:
    if data["is_24_7"]:
        return WALL_CLOCK
    weekly: dict[int, list[tuple[time, time]]] = {}
    for weekday, starts, ends in data["windows"]:
        weekly.setdefault(weekday, []).append(
            (time.fromisoformat(starts), time.fromisoformat(ends))
        )
    dated = [date.fromisoformat(d) for d, yearly in data["holidays"] if not yearly]
    yearly = [
        (date.fromisoformat(d).month, date.fromisoformat(d).day)
        for d, is_yearly in data["holidays"]
        if is_yearly
    ]
    return Schedule.build(
        tz=data["time_zone"], weekly=weekly, holidays=dated, yearly_holidays=yearly
    )


class Clocks:
    """Clocks by calendar id for one operation (a reaction, a sweep, a report page): each
    calendar's windows and holidays are read once, however many timers use it."""

    def __init__(self) -> None:
        self._clocks: dict[int, Clock] = {}

    def for_calendar(self, calendar: BusinessCalendar | None) -> Clock:
        if calendar is None:
            return WALL_CLOCK
        if calendar.pk not in self._clocks:
            self._clocks[calendar.pk] = build_clock(calendar)
        return self._clocks[calendar.pk]

    def for_calendar_id(self, calendar_id: int | None) -> Clock:
        if calendar_id is None:
            return WALL_CLOCK
        if calendar_id not in self._clocks:
            self.preload([calendar_id])
        return self._clocks[calendar_id]

    def for_timer(self, timer: SLATimer) -> Clock:
        return self.for_calendar_id(timer.calendar_id)

    def preload(self, calendar_ids: Iterable[int | None]) -> None:
        missing = {pk for pk in calendar_ids if pk is not None and pk not in self._clocks}
        if missing:
            for calendar in BusinessCalendar.objects.filter(pk__in=missing).prefetch_related(
                "windows", "holidays"
            ):
                self._clocks[calendar.pk] = build_clock(calendar)

    def put(self, calendar_id: int, clock: Clock) -> None:
        self._clocks[calendar_id] = clock


def waits_for_business_hours(clock: Clock) -> bool:
    return isinstance(clock, Schedule)
