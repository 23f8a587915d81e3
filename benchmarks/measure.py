"""What the million-ticket benchmarks (bench_sla, bench_staff) share.

They run on a throw-away PostgreSQL database whose name ends in `_bench`: created and migrated
if missing, filled once by generate_tickets (a million tickets take a few minutes) and reused by
every run after, so figures can be compared run to run.
"""

import resource

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection

from tickets.models import Ticket


def add_database_arguments(parser) -> None:
    """The options prepare_database() reads: --tickets and --any-database."""
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument(
        "--any-database",
        action="store_true",
        help="run on a database whose name does not end in _bench (tests)",
    )


def prepare_database(command: BaseCommand, *, tickets: int, any_database: bool, wipes: str) -> None:
    """Check this is a PostgreSQL *_bench database with DEBUG off, create and migrate it if
    needed, and top it up to `tickets` tickets. `wipes` says what the benchmark destroys, for
    the refusal message on any other database."""
    if connection.vendor != "postgresql":
        raise CommandError("The benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
    name = connection.settings_dict["NAME"]
    if not name.endswith("_bench") and not any_database:
        raise CommandError(f"It {wipes}: run it on a database named *_bench, not {name!r}.")
    if settings.DEBUG:
        raise CommandError("Run it with DEBUG off: with DEBUG on Django keeps every query.")
    _create_if_missing(command, name)
    command.stdout.write(f"Database {name} on {connection.settings_dict['HOST'] or 'localhost'}")
    call_command("migrate", verbosity=0, interactive=False)
    have = Ticket.objects.count()
    if have < tickets:
        command.stdout.write(f"Generating {tickets - have:,} tickets (once; reused after)...")
        call_command("generate_tickets", str(tickets - have), stdout=command.stdout)


def _create_if_missing(command: BaseCommand, name: str) -> None:
    try:
        connection.ensure_connection()
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
        params = connection.get_connection_params() | {"dbname": "postgres"}
        admin = psycopg2.connect(**params)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        command.stdout.write(f"Created database {name}.")


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile of `samples` (share 0.95 for p95)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
