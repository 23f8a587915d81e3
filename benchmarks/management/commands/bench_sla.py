"""The SLA sweep benchmark (issue 5): `make bench-sla`, or
`DATABASE_URL=postgres://.../helpdesk_sla_bench manage.py bench_sla`.

In a throw-away PostgreSQL database whose name ends in `_bench` (it is created and migrated if
missing): at least --tickets tickets from generate_tickets (a million: about eight minutes on
the development machine the first time, reused after), --running tickets with running timers
and --finished finished ones bulk-loaded by COPY, then two sweeps: one with nothing due, and one
after --due timers were made due (each breach also runs the first step of its policy's
escalation ladder: an internal note and an audit event). Each sweep is timed on its own and run
again under tracemalloc for its peak memory; the breaching one is also measured at a fifth of the
size, to show that memory stays flat (batches) however many timers are due.

It wipes the SLA timers, SLA events and system notes of the database it runs on.
"""

import io
import json
import random
import time
import tracemalloc
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from benchmarks.measure import add_database_arguments, peak_rss_mb, prepare_database
from sla.defaults import DEFAULT, DEMO_POLICIES, ensure_calendars, ensure_policy
from sla.engine import load_policies, match_policy
from sla.sweep import BATCH_SIZE, sweep
from tickets.models import SLAPolicy, SLATimer, Ticket

OPEN = tuple(str(s) for s in Ticket.OPEN_STATUSES)
COPY_BATCH = 50_000
TIMER_COLUMNS = (
    "ticket_id, metric, cycle, status, policy_id, calendar_id, target_minutes, warn_at_percent, "
    "warn_minutes_before, started_at, counted_until, elapsed_seconds, carried_seconds, "
    "paused_seconds, pauses, due_at, next_warning_at, warned_levels, escalation_level, "
    "stopped_at, stop_reason, calendar_seconds, breached_at, created_at, updated_at"
)


class Command(BaseCommand):
    help = "Benchmark the SLA sweep on a million tickets (PostgreSQL, a database named *_bench)."

    def add_arguments(self, parser) -> None:
        add_database_arguments(parser)
        parser.add_argument("--running", type=int, default=200_000, help="tickets with timers")
        parser.add_argument("--finished", type=int, default=600_000, help="finished timers")
        parser.add_argument("--due", type=int, default=10_000, help="timers made due")
        parser.add_argument("--seed", type=int, default=5)

    def handle(self, *args, **options) -> None:
        prepare_database(
            self,
            tickets=options["tickets"],
            any_database=options["any_database"],
            wipes="wipes SLA data",
        )
        rng = random.Random(options["seed"])
        self.ensure_policies()
        self.reset()
        loaded = time.monotonic()
        self.load_timers(options["running"], options["finished"], rng)
        self.stdout.write(f"  timers loaded in {time.monotonic() - loaded:.1f} s")
        self.report_data()

        idle = self.measure("sweep with nothing due", expect={"breached": 0})
        busy = self.measure_breach(options["due"])
        small = self.measure_breach(max(1, options["due"] // 5), timed=False)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("SLA sweep benchmark"))
        self.stdout.write(
            f"  nothing due:   {idle['seconds']:7.3f} s, peak Python memory {_size(idle['peak'])}"
        )
        self.stdout.write(
            f"  {options['due']:,} due: {busy['seconds']:7.3f} s, peak Python memory "
            f"{_size(busy['peak'])} ({small['due']:,} due: {_size(small['peak'])}); "
            f"{busy['breached']:,} breaches, {busy['escalated']:,} escalation steps, "
            f"batches of {BATCH_SIZE}"
        )
        self.stdout.write(f"  process peak RSS:     {peak_rss_mb():.0f} MB")

    # Set-up

    def ensure_policies(self) -> None:
        calendars = ensure_calendars(apps.get_model, time_zone=settings.TIME_ZONE)
        for spec in (*DEMO_POLICIES, DEFAULT):
            ensure_policy(apps.get_model, spec, calendars)

    def reset(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE tickets_slatimer")
            cursor.execute("DELETE FROM tickets_ticketevent WHERE kind IN ('sla', 'escalated')")
            cursor.execute(
                "DELETE FROM tickets_message WHERE author_type = 'system' AND kind = 'internal'"
            )

    def load_timers(self, running: int, finished: int, rng: random.Random) -> None:
        """Running timers on `running` open tickets (first response too on new ones), finished
        ones on closed tickets, written by COPY: synthetic, but shaped as the engine leaves them.
        """
        match = _matcher(load_policies())
        now = timezone.now()
        rows = io.StringIO()
        count = 0

        def flush() -> None:
            nonlocal rows
            rows.seek(0)
            with connection.cursor() as cursor:
                cursor.connection.cursor().copy_expert(
                    f"COPY tickets_slatimer ({TIMER_COLUMNS}) FROM STDIN", rows
                )
            rows = io.StringIO()

        open_tickets = (
            Ticket.objects.filter(status__in=OPEN)
            .order_by("pk")
            .values_list("pk", "category_id", "queue_id", "priority", "channel", "status")
        )
        with transaction.atomic():
            for pk, category, queue, priority, channel, status in open_tickets[:running].iterator(
                chunk_size=COPY_BATCH
            ):
                policy = match(category, queue, priority, channel)
                metrics = ["resolution", "first_response"] if status == "new" else ["resolution"]
                for metric in metrics:
                    rows.write(_running_row(pk, metric, policy, now, rng))
                    count += 1
                if count >= COPY_BATCH:
                    flush()
                    count = 0
            closed = (
                Ticket.objects.filter(status="closed")
                .order_by("pk")
                .values_list("pk", "category_id", "queue_id", "priority", "channel", "created_at")
            )
            for pk, category, queue, priority, channel, created in closed[:finished].iterator(
                chunk_size=COPY_BATCH
            ):
                policy = match(category, queue, priority, channel)
                rows.write(_finished_row(pk, policy, created, rng))
                count += 1
                if count >= COPY_BATCH:
                    flush()
                    count = 0
            flush()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_slatimer")

    def report_data(self) -> None:
        tickets = Ticket.objects.count()
        open_tickets = Ticket.objects.filter(status__in=OPEN).count()
        running_tickets = SLATimer.objects.filter(status="running").values("ticket").distinct()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('tickets_slatimer')), "
                "pg_size_pretty(pg_total_relation_size('tickets_ticket'))"
            )
            timer_size, ticket_size = cursor.fetchone()
        self.stdout.write(
            f"Data: {tickets:,} tickets ({open_tickets:,} open; table {ticket_size}), "
            f"{running_tickets.count():,} with running timers, "
            f"{SLATimer.objects.filter(status='running').count():,} running timers, "
            f"{SLATimer.objects.count():,} timers in all (table {timer_size})."
        )

    # Measurements

    def make_due(self, how_many: int) -> None:
        """Running timers that ran out a little while ago, checkpointed at their due time (as
        a timer the engine projected is), their warnings already sent."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH chosen AS (
                    SELECT id FROM tickets_slatimer WHERE status = 'running'
                    ORDER BY md5(id::text) LIMIT %s
                )
                UPDATE tickets_slatimer t
                SET due_at = now() - make_interval(secs => 30 + t.id %% 1800),
                    counted_until = now() - make_interval(secs => 30 + t.id %% 1800),
                    elapsed_seconds = t.target_minutes * 60,
                    next_warning_at = NULL,
                    warned_levels = '["percent"]'
                FROM chosen WHERE t.id = chosen.id
                """,
                [how_many],
            )
            cursor.execute("ANALYZE tickets_slatimer")

    def undo_breaches(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE tickets_slatimer SET status = 'running', breached_at = NULL, "
                "escalation_level = 0, next_escalation_at = NULL "
                "WHERE status = 'breached_running'"
            )
            cursor.execute("DELETE FROM tickets_ticketevent WHERE kind IN ('sla', 'escalated')")
            cursor.execute(
                "DELETE FROM tickets_message WHERE author_type = 'system' AND kind = 'internal'"
            )

    def measure(self, label: str, *, expect: dict, timed: bool = True) -> dict:
        figures = {}
        if timed:
            started = time.perf_counter()
            result = sweep()
            figures["seconds"] = time.perf_counter() - started
            figures |= {"breached": result.breached, "escalated": result.escalated}
            self.stdout.write(f"  {label}: {result}")
            for key, value in expect.items():
                if getattr(result, key) != value:
                    raise CommandError(f"{label}: expected {key}={value}, got {result}")
            if expect.get("breached"):
                self.undo_breaches()
        tracemalloc.start()
        traced = sweep()
        figures["peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if traced.breached != expect.get("breached", 0):
            raise CommandError(f"{label} (traced): expected {expect}, got {traced}")
        return figures

    def measure_breach(self, due: int, *, timed: bool = True) -> dict:
        self.make_due(due)
        figures = self.measure(f"sweep with {due:,} due", expect={"breached": due}, timed=timed)
        self.undo_breaches()
        with connection.cursor() as cursor:  # back out of reach for the next measurement
            cursor.execute(
                "UPDATE tickets_slatimer SET due_at = now() + interval '30 days', "
                "counted_until = now(), elapsed_seconds = 0 WHERE due_at < now() "
                "AND status = 'running'"
            )
        return figures | {"due": due}


def _matcher(policies: list[SLAPolicy]):
    """match_policy() for bare ticket fields, remembered per combination of them."""
    matched: dict[tuple, SLAPolicy] = {}

    def match(category, queue, priority, channel) -> SLAPolicy:
        key = (category, queue, priority, channel)
        if key not in matched:
            ticket = Ticket(
                category_id=category, queue_id=queue, priority=priority, channel=channel
            )
            matched[key] = match_policy(ticket, policies)
        return matched[key]

    return match


def _target(policy: SLAPolicy, metric: str):
    return policy.target_for(metric) or policy.target_for("resolution")


def _running_row(pk: int, metric: str, policy: SLAPolicy, now, rng: random.Random) -> str:
    target = _target(policy, metric)
    calendar = policy.calendar_id if target.business_hours else None
    # Loading takes a minute or two: nothing may fall due meanwhile (the idle sweep must be
    # idle), so the earliest warning is an hour away.
    started = now - timedelta(minutes=rng.randint(1, 600))
    due = now + timedelta(minutes=rng.randint(2 * 60, 5 * 24 * 60))
    warning = max(now + timedelta(hours=1), due - timedelta(minutes=rng.randint(5, 120)))
    return _tsv(
        pk,
        metric,
        1,
        "running",
        policy.pk,
        calendar,
        target.minutes,
        target.warn_at_percent,
        target.warn_minutes_before,
        started,
        now,
        0,
        0,
        0,
        "[]",
        due,
        warning,
        "[]",
        0,
        None,
        "",
        0,
        None,
        now,
        now,
    )


def _finished_row(pk: int, policy: SLAPolicy, created, rng: random.Random) -> str:
    target = _target(policy, "resolution")
    elapsed = rng.randint(60, target.minutes * 90)
    breached = elapsed > target.minutes * 60
    stopped = created + timedelta(seconds=elapsed * 2)
    return _tsv(
        pk,
        "resolution",
        1,
        "breached_met" if breached else "met",
        policy.pk,
        policy.calendar_id if target.business_hours else None,
        target.minutes,
        target.warn_at_percent,
        target.warn_minutes_before,
        created,
        stopped,
        elapsed,
        0,
        0,
        "[]",
        created + timedelta(minutes=target.minutes),
        None,
        json.dumps(["percent"]),
        0,
        stopped,
        "resolved",
        elapsed * 2,
        created + timedelta(minutes=target.minutes) if breached else None,
        created,
        stopped,
    )


def _tsv(*values) -> str:
    fields = []
    for value in values:
        if value is None:
            fields.append("\\N")
        elif hasattr(value, "isoformat"):
            fields.append(value.isoformat())
        else:
            fields.append(str(value))
    return "\t".join(fields) + "\n"


def _size(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 2**10:.0f} KB"
