"""Business time: worked examples an agent would check by hand, then properties over random
calendars in zones with and without DST (hypothesis)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sla.business_time import WALL_CLOCK, NoBusinessTime, Schedule

JAKARTA = ZoneInfo("Asia/Jakarta")
OFFICE_HOURS = {weekday: [(time(9), time(17))] for weekday in range(5)}  # Mon-Fri 09:00-17:00


def jakarta(*args) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)


@pytest.fixture
def office():
    return Schedule.build(tz=JAKARTA, weekly=OFFICE_HOURS)


# Worked examples. 2026-11-16 is a Monday.


def test_it_is_due_at_ten_the_next_day_for_two_hours_from_four_with_a_five_oclock_close(office):
    assert office.add(jakarta(2026, 11, 17, 16), timedelta(hours=2)) == jakarta(2026, 11, 18, 10)


def test_it_carries_friday_evening_into_monday(office):
    friday_evening = jakarta(2026, 11, 20, 19, 30)

    assert office.add(friday_evening, timedelta(hours=2)) == jakarta(2026, 11, 23, 11)
    assert office.between(jakarta(2026, 11, 20, 16), jakarta(2026, 11, 23, 10)) == timedelta(
        hours=2
    )


def test_it_skips_a_holiday_in_between():
    # Thursday 2026-11-19 is a holiday: Wednesday 16:00 + 2 h is Friday 10:00.
    schedule = Schedule.build(tz=JAKARTA, weekly=OFFICE_HOURS, holidays=[date(2026, 11, 19)])

    assert schedule.add(jakarta(2026, 11, 18, 16), timedelta(hours=2)) == jakarta(2026, 11, 20, 10)
    assert schedule.between(jakarta(2026, 11, 18, 9), jakarta(2026, 11, 20, 17)) == timedelta(
        hours=16
    )


def test_it_skips_a_yearly_holiday_in_any_year():
    # Independence Day, 17 August: a Monday in 2026, a Tuesday in 2027.
    schedule = Schedule.build(tz=JAKARTA, weekly=OFFICE_HOURS, yearly_holidays=[(8, 17)])

    assert schedule.add(jakarta(2026, 8, 14, 16), timedelta(hours=2)) == jakarta(2026, 8, 18, 10)
    assert schedule.add(jakarta(2027, 8, 16, 16), timedelta(hours=2)) == jakarta(2027, 8, 18, 10)


def test_it_starts_counting_at_the_next_opening_when_created_out_of_hours(office):
    saturday = jakarta(2026, 11, 21, 10)

    assert office.next_open(saturday) == jakarta(2026, 11, 23, 9)
    assert office.add(saturday, timedelta(minutes=15)) == jakarta(2026, 11, 23, 9, 15)
    assert office.between(saturday, jakarta(2026, 11, 23, 9)) == timedelta(0)


def test_it_counts_several_windows_a_day_around_lunch():
    schedule = Schedule.build(tz=JAKARTA, weekly={0: [(time(13), time(17)), (time(8), time(12))]})

    assert schedule.add(jakarta(2026, 11, 16, 11, 30), timedelta(hours=1)) == jakarta(
        2026, 11, 16, 13, 30
    )
    assert schedule.between(jakarta(2026, 11, 16, 7), jakarta(2026, 11, 16, 23)) == timedelta(
        hours=8
    )


def test_it_ends_exactly_at_closing_time_rather_than_the_next_morning(office):
    assert office.add(jakarta(2026, 11, 16, 15), timedelta(hours=2)) == jakarta(2026, 11, 16, 17)


def test_it_treats_a_midnight_end_as_the_end_of_the_day():
    schedule = Schedule.build(
        tz=JAKARTA, weekly={0: [(time(20), time(0))], 1: [(time(0), time(2))]}
    )

    assert schedule.add(jakarta(2026, 11, 16, 23), timedelta(hours=2)) == jakarta(2026, 11, 17, 1)
    assert schedule.day(date(2026, 11, 16)) == (
        (jakarta(2026, 11, 16, 20).astimezone(UTC), jakarta(2026, 11, 17, 0).astimezone(UTC)),
    )


def test_it_counts_real_hours_on_the_days_the_clocks_change():
    berlin = ZoneInfo("Europe/Berlin")
    schedule = Schedule.build(tz=berlin, weekly={6: [(time(1), time(4))]})

    # 29 March 2026: 02:00 becomes 03:00, so 01:00-04:00 lasts two hours; 25 October: four.
    spring = datetime(2026, 3, 29, tzinfo=berlin)
    autumn = datetime(2026, 10, 25, tzinfo=berlin)
    assert schedule.between(spring, spring + timedelta(days=1)) == timedelta(hours=2)
    assert schedule.between(autumn, autumn + timedelta(days=1)) == timedelta(hours=4)
    assert schedule.add(datetime(2026, 3, 29, 1, 30, tzinfo=berlin), timedelta(hours=1)) == (
        datetime(2026, 3, 29, 3, 30, tzinfo=berlin)
    )


def test_it_gives_the_same_answer_whatever_zone_the_instants_are_in(office):
    start = jakarta(2026, 11, 17, 16)

    assert office.add(start.astimezone(ZoneInfo("America/New_York")), timedelta(hours=2)) == (
        office.add(start, timedelta(hours=2))
    )


def test_it_counts_every_second_around_the_clock():
    start = datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    # In a zone with DST, start + 4 h is wall-clock arithmetic (three real hours on this day);
    # the clock works in real time, whatever zone it is handed.
    four_hours_later = start.astimezone(UTC) + timedelta(hours=4)

    assert WALL_CLOCK.add(start, timedelta(hours=4)) == four_hours_later
    assert WALL_CLOCK.between(start, four_hours_later) == timedelta(hours=4)
    assert WALL_CLOCK.between(start, start + timedelta(hours=4)) == timedelta(hours=3)
    assert WALL_CLOCK.between(four_hours_later, start) == timedelta(0)


def test_it_refuses_a_calendar_without_working_time():
    closed = Schedule.build(tz=JAKARTA, weekly={})

    with pytest.raises(NoBusinessTime):
        closed.add(jakarta(2026, 11, 16, 9), timedelta(minutes=1))


def test_it_refuses_naive_datetimes_and_backward_windows(office):
    with pytest.raises(ValueError, match="aware"):
        office.between(datetime(2026, 11, 16, 9), datetime(2026, 11, 16, 10))  # noqa: DTZ001
    with pytest.raises(ValueError, match="ends before"):
        Schedule.build(tz=JAKARTA, weekly={0: [(time(17), time(9))]})


# Properties. Zones: no DST, DST at 02:00, at midnight (Santiago, Havana), half-hour DST
# (Lord Howe), odd offsets (Kathmandu +05:45, Chatham +12:45).

ZONES = [
    "Asia/Jakarta",
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",
    "America/Havana",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
]


@st.composite
def schedules(draw) -> Schedule:
    weekly = {}
    for weekday in range(7):
        marks = draw(st.lists(st.integers(0, 24 * 4), min_size=0, max_size=4, unique=True))
        marks = sorted(marks)
        windows = []
        for start, end in zip(marks[0::2], marks[1::2], strict=False):
            windows.append((_quarter(start), _quarter(end)))
        weekly[weekday] = windows
    # At least three hours a week, so twenty business days fit well inside the horizon.
    weekly_minutes = sum(
        ((end.hour * 60 + end.minute) or 1440) - (start.hour * 60 + start.minute)
        for windows in weekly.values()
        for start, end in windows
    )
    assume(weekly_minutes >= 180)
    holidays = draw(
        st.lists(st.dates(date(2025, 1, 1), date(2028, 12, 31)), max_size=20, unique=True)
    )
    yearly = draw(
        st.lists(st.tuples(st.integers(1, 12), st.integers(1, 28)), max_size=3, unique=True)
    )
    return Schedule.build(
        tz=draw(st.sampled_from(ZONES)), weekly=weekly, holidays=holidays, yearly_holidays=yearly
    )


def _quarter(n: int) -> time:
    return time(0) if n == 96 else time(n // 4, n % 4 * 15)


instants = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
    max_value=datetime(2028, 6, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
)
# Up to 20 days: with 3 working hours a week (the least drawn) that spans three years.
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20))
PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(schedules(), instants, durations)
def test_it_adds_exactly_the_business_time_it_measures(schedule, start, duration):
    due = schedule.add(start, duration)

    assert due >= start
    assert schedule.between(start, due) == duration


@PROPERTY
@given(schedules(), instants, durations.filter(bool))
def test_it_returns_the_earliest_instant_with_that_much_business_time(schedule, start, duration):
    due = schedule.add(start, duration)

    assert schedule.between(start, due - timedelta(microseconds=1)) < duration


@PROPERTY
@given(schedules(), instants, instants)
def test_it_never_goes_past_the_end_when_adding_what_lies_before_it(schedule, start, end):
    assume(end >= start)

    due = schedule.add(start, schedule.between(start, end))

    assert start <= due <= end
    assert schedule.between(due, end) == timedelta(0)


@PROPERTY
@given(schedules(), instants, durations, durations)
def test_it_is_monotonic_in_the_duration_and_the_end(schedule, start, shorter, longer):
    shorter, longer = sorted([shorter, longer])

    assert schedule.add(start, shorter) <= schedule.add(start, longer)
    assert schedule.between(start, start + shorter) <= schedule.between(start, start + longer)


@PROPERTY
@given(schedules(), instants, durations, durations)
def test_it_splits_and_joins_spans_without_losing_time(schedule, start, first, second):
    middle, end = start + first, start + first + second

    assert schedule.between(start, end) == (
        schedule.between(start, middle) + schedule.between(middle, end)
    )
    assert schedule.add(schedule.add(start, first), second) == schedule.add(start, first + second)


@PROPERTY
@given(schedules(), instants, instants)
def test_it_never_counts_more_than_the_wall_clock(schedule, start, end):
    assert timedelta(0) <= schedule.between(start, end) <= WALL_CLOCK.between(start, end)


@PROPERTY
@given(schedules(), instants)
def test_it_opens_at_an_instant_that_is_open(schedule, at):
    opening = schedule.next_open(at)

    assert opening >= at
    assert schedule.is_open(opening)
    assert schedule.between(at, opening) == timedelta(0)
