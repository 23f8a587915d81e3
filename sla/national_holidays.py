"""National holidays from the `holidays` package (Indonesia by default): public holidays, and
optionally the government's joint leave days (*cuti bersama*), which change by decree and are
often entered by hand instead."""

import holidays as holiday_tables
from django.db import transaction

from tickets.models import BusinessCalendar, Holiday

from .calendars import snapshot
from .changes import calendar_edited

COUNTRY = "ID"


def national_holidays(*, year: int, country: str = COUNTRY, joint_leave: bool = False) -> dict:
    """{date: name} for one year, names in the country's language."""
    categories = ("public", "government") if joint_leave else ("public",)
    table = holiday_tables.country_holidays(
        country, years=year, categories=categories, language=_language(country)
    )
    return dict(sorted(table.items()))


def load_national_holidays(
    calendar: BusinessCalendar, *, year: int, country: str = COUNTRY, joint_leave: bool = False
) -> int:
    """Add the year's holidays the calendar lacks (dates already there are kept as they are) and
    re-project the running timers on it. Returns how many were added."""
    with transaction.atomic():
        calendar = BusinessCalendar.objects.prefetch_related("windows", "holidays").get(
            pk=calendar.pk
        )
        before = snapshot(calendar)
        taken = {h.date for h in calendar.holidays.all()}
        new = [
            Holiday(calendar=calendar, date=day, name=name[:100], source=Holiday.Source.PACKAGE)
            for day, name in national_holidays(
                year=year, country=country, joint_leave=joint_leave
            ).items()
            if day not in taken
        ]
        Holiday.objects.bulk_create(new)
        if new:
            calendar.save(update_fields=["updated_at"])
            calendar_edited(calendar, before)
    return len(new)


def _language(country: str) -> str | None:
    supported = getattr(holiday_tables.country_holidays(country), "supported_languages", ())
    local = country.lower()
    return local if local in supported else None
