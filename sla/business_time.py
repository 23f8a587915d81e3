"""Business time: how much working time lies between two instants, and the instant at which a
given amount of working time has passed. Hand-written on purpose (docs/design.md section 14).

Pure Python, no Django and no database: the engine builds a `Schedule` from a BusinessCalendar
once and reuses it for many timers. Instants are aware datetimes in any zone and are compared as
UTC instants; the weekly windows are local wall-clock times, turned into instants per date in the
calendar's zone. That is what makes it DST-safe: a window 08:00-17:00 is eight real hours on a
normal day and whatever the wall clock really spans on the day the clocks change, never more.

Both clocks (`Schedule` for business hours, `WallClock` for 24/7) answer the same four questions:
`between(start, end)`, `add(start, duration)`, `next_open(at)` and `is_open(at)`.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

ZERO = timedelta(0)
ONE_DAY = timedelta(days=1)
MIDNIGHT = time(0)
# How far `add` and `next_open` look ahead before deciding the calendar has no working time at
# all (every day a holiday, no windows): ten years, so a long target never trips it.
HORIZON_DAYS = 3660
# Dates whose instants a Schedule keeps; a sweep touches a few weeks of dates, so this is plenty.
CACHED_DAYS = 4096


class NoBusinessTime(ValueError):
    """The calendar has no working time within the horizon (no windows, or only holidays)."""


class Clock(Protocol):
    def between(self, start: datetime, end: datetime) -> timedelta: ...

    def add(self, start: datetime, duration: timedelta) -> datetime: ...

    def next_open(self, at: datetime) -> datetime: ...

    def is_open(self, at: datetime) -> bool: ...


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("Business time needs aware datetimes.")
    # Arithmetic on an aware datetime in a zone with DST is wall-clock arithmetic; on UTC it is
    # exact elapsed time, which is what every sum below means.
    return value.astimezone(UTC)


class WallClock:
    """24/7: every second counts."""

    def between(self, start: datetime, end: datetime) -> timedelta:
        return max(ZERO, _utc(end) - _utc(start))

    def add(self, start: datetime, duration: timedelta) -> datetime:
        if duration < ZERO:
            raise ValueError("Cannot add a negative duration.")
        return _utc(start) + duration

    def next_open(self, at: datetime) -> datetime:
        return _utc(at)

    def is_open(self, at: datetime) -> bool:
        return True

    def __repr__(self) -> str:
        return "WallClock()"


WALL_CLOCK = WallClock()


@dataclass(eq=False)
class Schedule:
    """Weekly business windows in a time zone, minus holidays.

    `weekly` maps a weekday (0 Monday .. 6 Sunday) to half-open local windows `[start, end)`;
    an end of 00:00 means midnight at the end of that day. `holidays` are dates without working
    time; `yearly_holidays` are (month, day) pairs that are holidays every year.
    """

    tz: ZoneInfo
    weekly: Mapping[int, tuple[tuple[time, time], ...]]
    holidays: frozenset[date] = frozenset()
    yearly_holidays: frozenset[tuple[int, int]] = frozenset()
    _days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def build(
        cls,
        *,
        tz: str | ZoneInfo,
        weekly: Mapping[int, Iterable[tuple[time, time]]],
        holidays: Iterable[date] = (),
        yearly_holidays: Iterable[tuple[int, int]] = (),
    ) -> "Schedule":
        zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        normalised = {}
        for weekday, windows in weekly.items():
            if not 0 <= weekday <= 6:
                raise ValueError(f"Weekday must be 0 (Monday) to 6 (Sunday), not {weekday}.")
            checked = []
            for start, end in windows:
                if end != MIDNIGHT and end <= start:
                    raise ValueError(f"Window {start}-{end} ends before it starts.")
                checked.append((start, end))
            normalised[weekday] = tuple(sorted(checked))
        return cls(
            tz=zone,
            weekly=normalised,
            holidays=frozenset(holidays),
            yearly_holidays=frozenset(yearly_holidays),
        )

    # The four questions

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in `[start, end)`; zero when end is not after start."""
        start, end = _utc(start), _utc(end)
        if end <= start:
            return ZERO
        total = ZERO
        day, last = self._local_date(start), self._local_date(end)
        while day <= last:
            for opens, closes in self.day(day):
                low, high = max(opens, start), min(closes, end)
                if high > low:
                    total += high - low
            day += ONE_DAY
        return total

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant at which `duration` of working time has passed since `start`."""
        if duration < ZERO:
            raise ValueError("Cannot add a negative duration.")
        start = _utc(start)
        if duration == ZERO:
            return start
        remaining = duration
        day = self._local_date(start)
        for _ in range(HORIZON_DAYS):
            for opens, closes in self.day(day):
                if closes <= start:
                    continue
                low = max(opens, start)
                if closes - low >= remaining:
                    return low + remaining
                remaining -= closes - low
            day += ONE_DAY
        raise NoBusinessTime(f"No working time within {HORIZON_DAYS} days of {start}.")

    def next_open(self, at: datetime) -> datetime:
        """`at` itself if it is within business hours, else the next opening."""
        at = _utc(at)
        day = self._local_date(at)
        for _ in range(HORIZON_DAYS):
            for opens, closes in self.day(day):
                if closes > at:
                    return max(opens, at)
            day += ONE_DAY
        raise NoBusinessTime(f"No working time within {HORIZON_DAYS} days of {at}.")

    def is_open(self, at: datetime) -> bool:
        at = _utc(at)
        return any(opens <= at < closes for opens, closes in self.day(self._local_date(at)))

    # Instants of one date

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays or (day.month, day.day) in self.yearly_holidays

    def day(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working intervals of a local date as UTC instants: sorted, disjoint, non-empty."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        intervals: list[tuple[datetime, datetime]] = []
        if not self.is_holiday(day):
            for start, end in self.weekly.get(day.weekday(), ()):
                opens = self._instant(day, start)
                closes = self._instant(day + ONE_DAY if end == MIDNIGHT else day, end)
                if intervals:
                    opens = max(opens, intervals[-1][1])
                if closes <= opens:  # a window that lies wholly inside a spring-forward gap
                    continue
                if intervals and opens == intervals[-1][1]:
                    intervals[-1] = (intervals[-1][0], closes)
                else:
                    intervals.append((opens, closes))
        result = tuple(intervals)
        if len(self._days) >= CACHED_DAYS:
            self._days.clear()
        self._days[day] = result
        return result

    def _instant(self, day: date, wall: time) -> datetime:
        """The instant a local wall time shows on a date.

        A wall time the clocks skip (inside a spring-forward gap) is the instant of the change:
        the gap lasts no real time. With that, later wall times never map to earlier instants,
        so windows of one day never overlap each other or the next day's. A repeated wall time
        (fall back) is its first occurrence.
        """
        local = datetime.combine(day, wall, tzinfo=self.tz)
        instant = local.astimezone(UTC)
        if instant.astimezone(self.tz).replace(tzinfo=None) == local.replace(tzinfo=None):
            return instant
        # Skipped: fold=1 reads it with the offset after the change (an instant before the
        # change), fold=0 with the offset before it (an instant after). Find the change to the
        # second; zones change offsets on whole seconds.
        low = math.floor(local.replace(fold=1).astimezone(UTC).timestamp())
        high = math.ceil(instant.timestamp())
        offset_before = datetime.fromtimestamp(low, self.tz).utcoffset()
        while high - low > 1:
            middle = (low + high) // 2
            if datetime.fromtimestamp(middle, self.tz).utcoffset() == offset_before:
                low = middle
            else:
                high = middle
        return datetime.fromtimestamp(high, UTC)

    def _local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()
