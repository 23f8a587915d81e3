"""SLA fixtures: frozen time on a Monday morning in Jakarta, and the built-in calendars."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import ContactFactory
from tickets.models import BusinessCalendar

JAKARTA = ZoneInfo("Asia/Jakarta")
# Monday 16 November 2026, 09:00 in Jakarta: inside office hours (Mon-Fri 08:00-17:00).
MONDAY_9AM = datetime(2026, 11, 16, 9, 0, tzinfo=JAKARTA)


@pytest.fixture
def frozen_time():
    """Time stands still at MONDAY_9AM until the test moves it (traveller.shift / move_to)."""
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        yield traveller


@pytest.fixture
def office_hours(db) -> BusinessCalendar:
    """The calendar every installation starts with: Mon-Fri 08:00-17:00, Sat 08:00-12:00 WIB."""
    return BusinessCalendar.objects.get(name="Office hours")


@pytest.fixture
def requester(db):
    return ContactFactory(language="id")
