"""The SLA sweep: beat runs it every SLA_SWEEP_SECONDS (tickets.tasks.sla_sweep_task).

Three steps, each a set-based walk over one partial index, in batches:
1. warnings: running timers whose next warning level is due; each level fires once per cycle;
2. breaches: running timers past their due time are marked breached once;
3. escalation: breached timers whose next ladder step is due run it (internal note, audit event,
   notification, optionally a priority raise or a queue move through the services).

Exactly-once, even with two sweeps at the same time: a batch first locks its tickets with SKIP
LOCKED (a ticket another sweep or an agent holds is left for the next run; the lock order is the
services' own, ticket then timers, so nobody deadlocks), re-reads the timers under that lock, and
changes them with compare-and-swap updates that name the value they expect. A timer whose
computation fails is logged and skipped; a batch that fails is rolled back and retried by the
next sweep; neither stops the rest.
"""

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime

from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from inbox import services as inbox
from notifications import outbox as notifications
from tickets.models import EscalationStep, Message, SLATimer, Ticket, TicketEvent, User
from tickets.services import Actor, change_priority, move_to_queue

from . import audit
from .calendars import Clocks
from .engine import (
    elapsed_at,
    ladder_for,
    next_escalation_at,
    warning_levels,
    when_used,
)
from .notify import Recipients, notify_breach, notify_escalation, notify_warning

logger = logging.getLogger(__name__)

TimerStatus = SLATimer.Status
# Timers per transaction. A batch is a handful of statements (lock, read, one compare-and-swap,
# bulk inserts), so 10,000 breaches are 10 transactions of a few hundred milliseconds each, and
# memory stays flat however many timers are due.
BATCH_SIZE = 1000
# Escalation passes per sweep: more than any sensible ladder has steps.
MAX_LADDER_PASSES = 20
# What a sweep reads of a timer and its ticket.
TIMER_FIELDS = [
    f.name for f in SLATimer._meta.concrete_fields if f.name not in ("pauses", "stop_reason")
]
TICKET_FIELDS = ("reference", "assignee", "queue", "priority", "status")


@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0
    escalated: int = 0
    failed: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> SweepResult:
    """One pass over every due warning, breach and escalation step, as of `now`."""
    started = time.monotonic()
    run = _Sweep(now or timezone.now(), batch_size)
    run.walk(
        SLATimer.objects.filter(status=TimerStatus.RUNNING, next_warning_at__lte=run.now),
        "next_warning_at",
        run.warn,
    )
    run.walk(
        SLATimer.objects.filter(status=TimerStatus.RUNNING, due_at__lt=run.now),
        "due_at",
        run.breach,
    )
    # A step can make the next one due at once (a sweep that was down, a short ladder): walk
    # again until a pass finds nothing, each step still once-only.
    for _ in range(MAX_LADDER_PASSES):
        escalated = run.result.escalated
        run.walk(
            SLATimer.objects.filter(
                status=TimerStatus.BREACHED_RUNNING, next_escalation_at__lte=run.now
            ),
            "next_escalation_at",
            run.escalate,
        )
        if run.result.escalated == escalated:
            break
    run.result.seconds = round(time.monotonic() - started, 3)
    if run.result.warned or run.result.breached or run.result.escalated or run.result.failed:
        logger.info("SLA sweep: %s", run.result)
    return run.result


class _Sweep:
    def __init__(self, now: datetime, batch_size: int) -> None:
        self.now = now
        self.batch_size = batch_size
        self.result = SweepResult()
        self.clocks = Clocks()
        self.recipients = Recipients()
        self.steps: dict[int, list[EscalationStep]] = {}
        self.names: dict[int, str] = {}

    def walk(self, due: QuerySet, column: str, handle) -> None:
        """Hand `handle` the due timers in batches, by keyset on (column, id): a batch that is
        skipped (locked tickets) or fails is not read again by this sweep."""
        for rows in self._batches(due, column):
            try:
                handle(rows)
            except SoftTimeLimitExceeded:
                raise
            except Exception:
                logger.exception(
                    "SLA sweep: a batch of %s timers failed and was rolled back; the next sweep "
                    "retries it",
                    len(rows),
                )
                self.result.failed += len(rows)

    def _batches(self, due: QuerySet, column: str) -> Iterator[list[tuple[int, int]]]:
        after = None
        while True:
            page = due.order_by(column, "pk")
            if after is not None:
                page = page.filter(
                    Q(**{f"{column}__gt": after[0]}) | Q(**{column: after[0], "pk__gt": after[1]})
                )
            rows = list(page.values_list("pk", "ticket_id", column)[: self.batch_size])
            if not rows:
                return
            yield [(pk, ticket_id) for pk, ticket_id, _ in rows]
            if len(rows) < self.batch_size:
                return
            after = (rows[-1][2], rows[-1][0])

    def _locked(self, rows: list[tuple[int, int]], **still) -> list[SLATimer]:
        """Lock the batch's tickets, skipping those someone else holds, and read their timers
        again under the lock, keeping only those still in the state `still` describes."""
        ticket_ids = {ticket_id for _, ticket_id in rows}
        locked = (
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ticket_ids)
            .values_list("pk", flat=True)
        )
        return list(
            SLATimer.objects.filter(
                pk__in=[pk for pk, _ in rows], ticket_id__in=list(locked), **still
            )
            .select_related("ticket")
            # What notifications and notes need of the ticket; not its (JSON) details.
            .only(*TIMER_FIELDS, *(f"ticket__{name}" for name in TICKET_FIELDS))
        )

    # 1. Warnings

    def warn(self, rows: list[tuple[int, int]]) -> None:
        with transaction.atomic(), notifications.batch(), inbox.batch():
            timers = self._locked(rows, status=TimerStatus.RUNNING, next_warning_at__lte=self.now)
            planned = []
            for timer in timers:
                try:
                    clock = self.clocks.for_timer(timer)
                    fire, warned, next_at = _warnings_due(timer, clock, self.now)
                except Exception:
                    logger.exception("SLA sweep: cannot compute the warnings of timer %s", timer.pk)
                    self.result.failed += 1
                    continue
                planned.append((timer, clock, fire, warned, next_at))
            swapped = _swap(
                WARNING_SWAP,
                [(t.pk, t.next_warning_at, at, warned) for t, _c, _f, warned, at in planned],
                at=self.now,
            )
            events = []
            for timer, clock, fire, _warned, _next_at in planned:
                if fire and timer.pk in swapped:
                    notice = notify_warning(
                        timer, level=fire, now=self.now, clock=clock, recipients=self.recipients
                    )
                    events.append(
                        audit.warning_event(timer, level=fire, at=self.now, notice=notice)
                    )
            TicketEvent.objects.bulk_create(events)
            self.result.warned += len(events)

    # 2. Breaches

    def breach(self, rows: list[tuple[int, int]]) -> None:
        """Mark past-due timers breached. A ladder's first step due at the breach itself (the
        usual "tell the assignee") runs in the same transaction: one lock and one
        compare-and-swap per batch instead of two."""
        with transaction.atomic(), notifications.batch(), inbox.batch():
            timers = self._locked(rows, status=TimerStatus.RUNNING, due_at__lt=self.now)
            planned = []
            for timer in timers:
                try:
                    clock = self.clocks.for_timer(timer)
                    timer.status = TimerStatus.BREACHED_RUNNING
                    timer.breached_at = self.now
                    timer.next_warning_at = None
                    timer.escalation_level = 0
                    step, steps = self._climb(timer, clock)
                except Exception:
                    logger.exception("SLA sweep: cannot compute the breach of timer %s", timer.pk)
                    self.result.failed += 1
                    continue
                planned.append((timer, clock, step, steps))
            # The compare-and-swap that makes a breach (and its first step) once-only.
            swapped = _swap(
                BREACH_SWAP,
                [
                    (t.pk, self.now, t.escalation_level, t.next_escalation_at)
                    for t, _clock, _step, _steps in planned
                ],
                at=self.now,
            )
            planned = [p for p in planned if p[0].pk in swapped]
            events = []
            told = {}
            for timer, clock, _step, _steps in planned:
                notice = notify_breach(timer, now=self.now, clock=clock, recipients=self.recipients)
                told[timer.pk] = notice.recipients
                events.append(
                    audit.breach_event(timer, at=self.now, reason="past due", notice=notice)
                )
            TicketEvent.objects.bulk_create(events)
            self.result.breached += len(events)
            self._record_steps(
                [(t, step, 0, steps, clock) for t, clock, step, steps in planned if step],
                told=told,
            )

    # 3. Escalation ladder

    def escalate(self, rows: list[tuple[int, int]]) -> None:
        with transaction.atomic(), notifications.batch(), inbox.batch():
            timers = self._locked(
                rows, status=TimerStatus.BREACHED_RUNNING, next_escalation_at__lte=self.now
            )
            planned = []
            for timer in timers:
                try:
                    clock = self.clocks.for_timer(timer)
                    level = timer.escalation_level
                    step, steps = self._climb(timer, clock)
                except Exception:
                    logger.exception("SLA sweep: cannot compute escalation of timer %s", timer.pk)
                    self.result.failed += 1
                    continue
                planned.append((timer, step, level, steps, clock))
            # The compare-and-swap that makes each step once-only.
            swapped = _swap(
                ESCALATION_SWAP,
                [
                    (t.pk, level, t.escalation_level, t.next_escalation_at)
                    for t, _step, level, _steps, _clock in planned
                ],
                at=self.now,
            )
            self._record_steps([p for p in planned if p[1] is not None and p[0].pk in swapped])

    def _climb(self, timer: SLATimer, clock) -> tuple[EscalationStep | None, int]:
        """Take the timer's next ladder step if it is due now: move the timer past it and plan
        the one after. Returns (the step or None, the number of steps in the ladder)."""
        ladder = ladder_for(timer, self.steps)
        due = next_escalation_at(timer, clock, ladder)
        step = None
        if due is not None and due <= self.now:
            step = ladder[timer.escalation_level]
            timer.escalation_level += 1
            due = next_escalation_at(timer, clock, ladder)
        timer.next_escalation_at = due
        return step, len(ladder)

    def _record_steps(self, done: list[tuple], *, told: dict | None = None) -> None:
        """What each step taken leaves: a notification, an internal note, an audit event, and
        the priority raise or queue move it asks for. `done`: (timer, step, level before the
        step, steps in the ladder, clock). `told`: timer -> who its breach email just went to;
        a step taken with the breach that tells the same people sends no second email."""
        notices, notes = [], []
        told = told or {}
        for timer, step, level, steps, clock in done:
            notice = notify_escalation(
                timer,
                step,
                level=level + 1,
                now=self.now,
                clock=clock,
                recipients=self.recipients,
                send=told.get(timer.pk) != self.recipients.for_step(step, timer.ticket),
            )
            notices.append(notice)
            notes.append(
                audit.escalation_note(
                    timer,
                    step,
                    level=level + 1,
                    steps=steps,
                    recipients=self._names(notice.recipients),
                    at=self.now,
                    tz=getattr(clock, "tz", None),
                )
            )
        Message.objects.bulk_create(notes)
        TicketEvent.objects.bulk_create(
            [
                audit.escalation_event(
                    timer, step, level=level + 1, note=note, at=self.now, notice=notice
                )
                for (timer, step, level, _steps, _clock), note, notice in zip(
                    done, notes, notices, strict=True
                )
            ]
        )
        self.result.escalated += len(done)
        # A ladder step escalates its ticket: the badge, the leads' "escalated" list and view.
        Ticket.objects.filter(
            pk__in={timer.ticket_id for timer, *_ in done}, escalated_at__isnull=True
        ).update(escalated_at=self.now)
        for timer, step, *_ in done:
            if step.set_priority or step.move_to_queue_id:
                _act(timer, step)

    def _names(self, user_ids: tuple[int, ...]) -> list[str]:
        missing = [pk for pk in user_ids if pk not in self.names]
        if missing:
            for user in User.objects.filter(pk__in=missing).only("pk", "name", "email"):
                self.names[user.pk] = str(user)
        return [self.names[pk] for pk in user_ids if pk in self.names]


def _warnings_due(
    timer: SLATimer, clock, now: datetime
) -> tuple[str | None, list[str], datetime | None]:
    """(level to fire now or None, levels fired after this sweep, next warning instant).

    Several levels passed since the last sweep fire as one warning, the latest; a timer already
    past due gets no warning at all (its breach says more)."""
    levels = warning_levels(timer)
    warned = list(timer.warned_levels)
    used = elapsed_at(timer, clock, now)
    if timer.due_at <= now or used >= timer.target_seconds:
        return None, sorted({*warned, *(level for level, _ in levels)}), None
    # One second of slack: time used is kept in whole seconds.
    passed = [level for level, at in levels if level not in warned and at <= used + 1]
    pending = [at for level, at in levels if level not in warned and level not in passed]
    next_at = when_used(timer, clock, pending[0]) if pending else None
    return (passed[-1] if passed else None), sorted({*warned, *passed}), next_at


@dataclass(frozen=True)
class Swap:
    """One kind of compare-and-swap on timers, as SQL for a whole batch and as ORM calls for
    one timer. `columns` name the values each row sends (with their PostgreSQL types); `orm`
    turns one row into (conditions that must still hold, changes)."""

    set_sql: str
    where_sql: str
    columns: tuple[tuple[str, str], ...]
    orm: Callable[[dict], tuple[dict, dict]]


WARNING_SWAP = Swap(
    set_sql="next_warning_at = v.next_at, warned_levels = v.warned",
    where_sql="t.status = 'running' AND t.next_warning_at = v.expected",
    columns=(
        ("id", "bigint"),
        ("expected", "timestamptz"),
        ("next_at", "timestamptz"),
        ("warned", "jsonb"),
    ),
    orm=lambda v: (
        {"status": TimerStatus.RUNNING, "next_warning_at": v["expected"]},
        {"next_warning_at": v["next_at"], "warned_levels": v["warned"]},
    ),
)
BREACH_SWAP = Swap(
    set_sql=(
        "status = 'breached_running', breached_at = v.at, escalation_level = v.level, "
        "next_warning_at = NULL, next_escalation_at = v.next_at"
    ),
    where_sql="t.status = 'running' AND t.breached_at IS NULL",
    columns=(
        ("id", "bigint"),
        ("at", "timestamptz"),
        ("level", "integer"),
        ("next_at", "timestamptz"),
    ),
    orm=lambda v: (
        {"status": TimerStatus.RUNNING, "breached_at__isnull": True},
        {
            "status": TimerStatus.BREACHED_RUNNING,
            "breached_at": v["at"],
            "escalation_level": v["level"],
            "next_warning_at": None,
            "next_escalation_at": v["next_at"],
        },
    ),
)
ESCALATION_SWAP = Swap(
    set_sql="escalation_level = v.next_level, next_escalation_at = v.next_at",
    where_sql="t.status = 'breached_running' AND t.escalation_level = v.level",
    columns=(
        ("id", "bigint"),
        ("level", "integer"),
        ("next_level", "integer"),
        ("next_at", "timestamptz"),
    ),
    orm=lambda v: (
        {"status": TimerStatus.BREACHED_RUNNING, "escalation_level": v["level"]},
        {"escalation_level": v["next_level"], "next_escalation_at": v["next_at"]},
    ),
)


def _swap(swap: Swap, rows: list[tuple], *, at: datetime) -> set[int]:
    """Compare-and-swap a batch of timers: set each row's values where its condition still
    holds; returns the ids that changed (only those get events, notes and notifications).

    On PostgreSQL one UPDATE ... FROM (VALUES ...) ... RETURNING for the batch; elsewhere
    (SQLite in development) one UPDATE per timer with the same conditions.
    """
    if not rows:
        return set()
    if connection.vendor == "postgresql":
        names = ", ".join(name for name, _type in swap.columns)
        row = "(" + ", ".join(f"%s::{sql_type}" for _name, sql_type in swap.columns) + ")"
        values = ", ".join([row] * len(rows))
        params = [at, *(_db_value(value) for values in rows for value in values)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {SLATimer._meta.db_table} AS t SET {swap.set_sql}, updated_at = %s "
                f"FROM (VALUES {values}) AS v({names}) "
                f"WHERE t.id = v.id AND {swap.where_sql} RETURNING t.id",
                params,
            )
            return {pk for (pk,) in cursor.fetchall()}
    swapped = set()
    for row in rows:
        values = dict(zip((name for name, _type in swap.columns), row, strict=True))
        still, changes = swap.orm(values)
        if SLATimer.objects.filter(pk=values["id"], **still).update(**changes, updated_at=at):
            swapped.add(values["id"])
    return swapped


def _db_value(value):
    return json.dumps(value) if isinstance(value, list) else value


def _act(timer: SLATimer, step: EscalationStep) -> None:
    """A step's priority raise or queue move, through the services (so re-evaluation and the
    audit trail follow), in a savepoint: if it fails, the step's note and event still stand."""

    try:
        with transaction.atomic(), notifications.batch(), inbox.batch():
            ticket = timer.ticket
            if step.set_priority and step.set_priority > ticket.priority:
                ticket = change_priority(
                    ticket=ticket, priority=step.set_priority, by=Actor.system()
                )
            if step.move_to_queue_id and step.move_to_queue_id != ticket.queue_id:
                move_to_queue(ticket=ticket, queue=step.move_to_queue, by=Actor.system())
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        logger.exception(
            "SLA sweep: escalation step %s could not change ticket %s", step.pk, timer.ticket_id
        )
