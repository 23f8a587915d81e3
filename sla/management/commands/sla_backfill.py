"""Give SLA timers to open tickets that have none (opened before any policy existed), by
replaying each ticket's audit trail through the engine: `manage.py sla_backfill`.
`--rebuild GP-XXXXXX ...` throws away and rebuilds the timers of the given tickets."""

from django.core.management.base import BaseCommand, CommandError

from sla import backfill
from tickets.models import Ticket


class Command(BaseCommand):
    help = "Start SLA timers for open tickets that have none, as if they had run all along."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rebuild", nargs="+", metavar="REFERENCE", help="rebuild these tickets' timers"
        )
        parser.add_argument("--limit", type=int, default=None, help="at most this many tickets")

    def handle(self, *args, rebuild: list[str] | None, limit: int | None, **options) -> None:
        if rebuild:
            tickets = list(Ticket.objects.filter(reference__in=rebuild))
            unknown = set(rebuild) - {t.reference for t in tickets}
            if unknown:
                raise CommandError(f"No ticket {', '.join(sorted(unknown))}.")
            done = backfill.rebuild(tickets)
            self.stdout.write(f"Rebuilt the SLA timers of {done} tickets.")
            return
        done = backfill.backfill_open_tickets(limit=limit)
        self.stdout.write(f"Started SLA timers for {done} open tickets that had none.")
