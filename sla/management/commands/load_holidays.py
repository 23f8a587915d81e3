"""Load a year's national holidays (Indonesia by default) into business calendars:
`manage.py load_holidays --year 2027 [--calendar "Office hours"] [--joint-leave]`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sla.national_holidays import COUNTRY, load_national_holidays, national_holidays
from tickets.models import BusinessCalendar


class Command(BaseCommand):
    help = "Add a year's national holidays to business calendars (every non-24/7 one by default)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, default=None, help="default: this year")
        parser.add_argument(
            "--calendar", action="append", default=[], help="calendar name (repeatable)"
        )
        parser.add_argument("--country", default=COUNTRY, help=f"ISO code (default {COUNTRY})")
        parser.add_argument(
            "--joint-leave",
            action="store_true",
            help="also the government's joint leave days (cuti bersama)",
        )

    def handle(self, *args, year, calendar, country, joint_leave, **options) -> None:
        year = year or timezone.localdate().year
        calendars = BusinessCalendar.objects.filter(is_24_7=False)
        if calendar:
            calendars = BusinessCalendar.objects.filter(name__in=calendar)
            missing = set(calendar) - set(calendars.values_list("name", flat=True))
            if missing:
                raise CommandError(f"No calendar named {', '.join(sorted(missing))}.")
        try:
            national_holidays(year=year, country=country)
        except NotImplementedError as error:
            raise CommandError(f"The holidays package does not know {country!r}.") from error
        for cal in calendars:
            added = load_national_holidays(cal, year=year, country=country, joint_leave=joint_leave)
            self.stdout.write(f"{cal.name}: {added} holidays of {year} added.")
