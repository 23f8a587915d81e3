"""SLA timers follow ticket events (docs/design.md section 6).

`on_ticket_event()` is subscribed in reactions.py, so it runs inside the transaction of every
ticket change, after the service has locked the ticket row (create_ticket's row is new). The
timers of a ticket are therefore changed by one transaction at a time, and the sweep takes the
same ticket lock before it touches them (lock order: ticket, then its timers).

What each event does (the table-driven test in tests/tickets/test_sla_timers.py checks every row):

| event                               | first response | next response        | resolution        |
|-------------------------------------|----------------|----------------------|-------------------|
| created                             | start          |                      | start             |
| public agent reply (any channel)    | met            | met                  |                   |
| internal note                       |                |                      |                   |
| customer message (any channel)      |                | start, if an agent   |                   |
|                                     |                | has replied and none |                   |
|                                     |                | is running           |                   |
| status -> pending_customer, on_hold |                |                      | pause             |
| status -> new, open (from those)    |                |                      | resume            |
| status -> resolved                  | cancel         | cancel               | met               |
| status resolved -> open (reopen)    |                |                      | new cycle, total  |
|                                     |                |                      | carried over      |
| status -> closed                    | cancel         | cancel               | cancel            |
| priority, category, queue           | re-evaluate    | re-evaluate          | re-evaluate       |
| merged into another ticket          | cancel         | cancel               | cancel            |

Handlers read the event's in-memory ticket (a service may save it only after recording the
event) and never call services: what needs them (escalation steps) is the sweep's job.
"""

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tickets.config_cache import ConfigCache
from tickets.models import (
    BusinessCalendar,
    BusinessWindow,
    EscalationStep,
    Holiday,
    SLAPolicy,
    SLATarget,
    SLATimer,
    Ticket,
    TicketEvent,
)
from tickets.models.tickets import Status

from . import audit
from .business_time import Clock
from .calendars import Clocks
from .notify import Recipients, notify_breach

logger = logging.getLogger(__name__)

Metric = SLATimer.Metric
TimerStatus = SLATimer.Status
PAUSING_STATUSES = (Status.PENDING_CUSTOMER, Status.ON_HOLD)
COUNTING = SLATimer.COUNTING_STATUSES
# Tickets per transaction when a policy or calendar edit recomputes its timers.
RECOMPUTE_BATCH = 200


# Single-timer arithmetic. A timer's time used is a checkpoint (elapsed_seconds at counted_until);
# every instant below is derived from it on the timer's clock.


def seconds(duration: timedelta) -> int:
    return max(0, round(duration.total_seconds()))


def elapsed_at(timer: SLATimer, clock: Clock, at: datetime) -> int:
    """Seconds of its target the timer has used by `at`."""
    if timer.status in COUNTING and at > timer.counted_until:
        return timer.elapsed_seconds + seconds(clock.between(timer.counted_until, at))
    return timer.elapsed_seconds


def checkpoint(timer: SLATimer, clock: Clock, at: datetime) -> None:
    if timer.status in COUNTING and at > timer.counted_until:
        timer.elapsed_seconds = elapsed_at(timer, clock, at)
        timer.counted_until = at


def when_used(timer: SLATimer, clock: Clock, used: int) -> datetime:
    """The instant the timer will have used `used` seconds (the checkpoint if it already has)."""
    rest = used - timer.elapsed_seconds
    if rest <= 0:
        return timer.counted_until
    return clock.add(timer.counted_until, timedelta(seconds=rest))


def warning_levels(timer: SLATimer) -> list[tuple[str, int]]:
    """(level, seconds used when it fires), soonest first; a level fires once per cycle."""
    target = timer.target_seconds
    levels = []
    if timer.warn_at_percent:
        levels.append(("percent", target * timer.warn_at_percent // 100))
    if timer.warn_minutes_before and timer.warn_minutes_before * 60 < target:
        levels.append(("before", target - timer.warn_minutes_before * 60))
    return sorted(levels, key=lambda level: level[1])


def next_escalation_at(
    timer: SLATimer, clock: Clock, ladder: list[EscalationStep]
) -> datetime | None:
    if timer.status != TimerStatus.BREACHED_RUNNING or timer.escalation_level >= len(ladder):
        return None
    step = ladder[timer.escalation_level]
    return when_used(timer, clock, timer.target_seconds + step.after_minutes * 60)


def project(timer: SLATimer, clock: Clock, ladder: list[EscalationStep] | None = None) -> None:
    """Due time, next warning and next escalation step from the checkpoint.

    A breached timer keeps the due time it breached at. A paused one has neither warnings nor
    escalations to come until it resumes."""
    if timer.status not in COUNTING:
        timer.next_warning_at = timer.next_escalation_at = None
        return
    if timer.breached_at is None:
        timer.due_at = when_used(timer, clock, timer.target_seconds)
    pending = [
        used
        for level, used in warning_levels(timer)
        if level not in timer.warned_levels and used < timer.target_seconds
    ]
    timer.next_warning_at = (
        when_used(timer, clock, pending[0])
        if pending and timer.status == TimerStatus.RUNNING
        else None
    )
    timer.next_escalation_at = next_escalation_at(timer, clock, ladder or [])


def close_pause(timer: SLATimer, at: datetime) -> None:
    if timer.paused_at is None:
        return
    end = max(at, timer.paused_at)
    timer.paused_seconds += seconds(end - timer.paused_at)
    timer.pauses = [*timer.pauses, [timer.paused_at.isoformat(), end.isoformat()]]
    timer.paused_at = None


def remeasure(timer: SLATimer, clock: Clock, until: datetime) -> int:
    """Time used measured afresh on another clock, from the cycle's start, pauses left out."""
    used = clock.between(timer.started_at, until)
    for start, end in timer.pauses:
        used -= clock.between(datetime.fromisoformat(start), datetime.fromisoformat(end))
    return timer.carried_seconds + seconds(used)


def is_overdue(timer: SLATimer) -> bool:
    return timer.breached_at is None and timer.elapsed_seconds > timer.target_seconds


# Matching


def match_policy(ticket: Ticket, policies: Iterable[SLAPolicy]) -> SLAPolicy | None:
    """The first active policy whose conditions the ticket meets, else the default (else None:
    no policy is set up, so no timers; never an error)."""
    default = None
    for policy in policies:
        if policy.is_default:
            default = default or policy
        elif policy.matches(ticket):
            return policy
    return default


def load_policies() -> list[SLAPolicy]:
    return list(SLAPolicy.objects.for_matching())


# What a ticket change needs of the configuration: the policies in matching order and a clock
# per calendar (each read on first use), kept per process until an admin changes one.
CONFIGURATION = ConfigCache("sla", lambda: (load_policies(), Clocks())).watch(
    SLAPolicy, SLATarget, BusinessCalendar, BusinessWindow, Holiday, EscalationStep
)


def ladder_for(timer: SLATimer, steps: dict[int, list[EscalationStep]]) -> list[EscalationStep]:
    """The escalation steps for a breach of this timer, from its policy, in the order they run.

    `steps` caches each policy's steps for one operation (a sweep, a recomputation)."""
    if timer.policy_id not in steps:
        found = EscalationStep.objects.filter(policy_id=timer.policy_id).select_related(
            "move_to_queue"
        )
        steps[timer.policy_id] = sorted(found, key=lambda s: (s.after_minutes, s.pk or 0))
    return [s for s in steps[timer.policy_id] if s.metric in ("", timer.metric)]


# One ticket's timers during one change


@dataclass
class TicketTimers:
    """The active timers of one ticket while one change is applied, plus what the change needs
    (policies, clocks, recipients), each read at most once. `finish()` writes the audit events
    and the ticket's next due time."""

    ticket: Ticket
    at: datetime
    active: dict[str, SLATimer]
    clocks: Clocks = field(default_factory=Clocks)
    recipients: Recipients = field(default_factory=Recipients)
    policies: list[SLAPolicy] | None = None
    events: list[TicketEvent] = field(default_factory=list)
    changed: bool = False
    # Escalation steps by policy id, shared by the tickets of one batch.
    steps: dict[int, list[EscalationStep]] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        ticket: Ticket,
        *,
        at: datetime,
        clocks: Clocks | None = None,
        recipients: Recipients | None = None,
        policies: list[SLAPolicy] | None = None,
        steps: dict[int, list[EscalationStep]] | None = None,
        fetch: bool = True,
    ) -> "TicketTimers":
        active = {}
        if fetch:
            for timer in SLATimer.objects.active().filter(ticket=ticket):
                timer.ticket = ticket
                active[timer.metric] = timer
        return cls(
            ticket=ticket,
            at=at,
            active=active,
            clocks=clocks or Clocks(),
            recipients=recipients or Recipients(),
            policies=policies,
            steps=steps if steps is not None else {},
        )

    def policy(self) -> SLAPolicy | None:
        if self.policies is None:
            self.policies = load_policies()
        return match_policy(self.ticket, self.policies)

    def ladder(self, timer: SLATimer) -> list[EscalationStep]:
        return ladder_for(timer, self.steps)

    def clock(self, timer: SLATimer) -> Clock:
        return self.clocks.for_calendar_id(timer.calendar_id)

    # Life cycle

    def start(
        self,
        metric: str,
        policy: SLAPolicy,
        target: SLATarget,
        *,
        start: datetime,
        cycle: int,
        carried: int = 0,
        carried_calendar: int = 0,
        why: str = "",
    ) -> SLATimer:
        calendar = policy.calendar if target.business_hours else None
        timer = SLATimer(
            ticket=self.ticket,
            metric=metric,
            cycle=cycle,
            status=TimerStatus.RUNNING,
            policy=policy,
            calendar=calendar,
            target_minutes=target.minutes,
            warn_at_percent=target.warn_at_percent,
            warn_minutes_before=target.warn_minutes_before,
            started_at=start,
            counted_until=start,
            elapsed_seconds=carried,
            carried_seconds=carried,
            calendar_seconds=carried_calendar,
        )
        clock = self.clocks.for_calendar(calendar)
        if start < self.at:
            checkpoint(timer, clock, self.at)
        project(timer, clock)
        timer.save()
        self.active[metric] = timer
        self.changed = True
        if is_overdue(timer):
            self.breach(timer, reason=why or "started with its target already used")
        return timer

    def stop(self, timer: SLATimer, *, reason: str, met: bool) -> None:
        """Met (the metric's goal happened) or cancelled (it no longer applies). A breach stays:
        a timer that ran out since the last sweep is recorded as breached at its due time."""
        if timer.status == TimerStatus.PAUSED:
            close_pause(timer, self.at)
        else:
            checkpoint(timer, self.clock(timer), self.at)
        if is_overdue(timer):
            timer.breached_at = timer.due_at
        if met:
            timer.status = TimerStatus.BREACHED_MET if timer.breached_at else TimerStatus.MET
        else:
            timer.status = TimerStatus.CANCELLED
        timer.stopped_at = self.at
        timer.stop_reason = reason[:40]
        timer.calendar_seconds += seconds(self.at - timer.started_at)
        timer.next_warning_at = timer.next_escalation_at = None
        timer.save()
        self.active.pop(timer.metric, None)
        self.changed = True

    def pause(self, timer: SLATimer) -> None:
        clock = self.clock(timer)
        checkpoint(timer, clock, self.at)
        if is_overdue(timer):  # it ran out since the last sweep: the breach comes first
            self.breach(timer, reason="ran out before it was paused")
        timer.status = TimerStatus.PAUSED
        timer.paused_at = self.at
        timer.next_warning_at = timer.next_escalation_at = None
        timer.save()
        self.changed = True

    def resume(self, timer: SLATimer) -> None:
        close_pause(timer, self.at)
        timer.counted_until = self.at
        timer.status = TimerStatus.BREACHED_RUNNING if timer.breached_at else TimerStatus.RUNNING
        project(timer, self.clock(timer), self.ladder(timer) if timer.breached_at else None)
        timer.save()
        self.changed = True

    def breach(self, timer: SLATimer, *, reason: str) -> None:
        """Mark a breach now (a re-evaluation or reopen that leaves the target already used).

        The ticket row lock held by the calling service is what makes this once-only: the sweep
        takes the same lock and re-reads the timer before it marks anything."""
        if timer.breached_at is not None:
            return
        clock = self.clock(timer)
        timer.breached_at = self.at
        timer.due_at = min(timer.due_at, self.at) if timer.due_at else self.at
        if timer.status == TimerStatus.RUNNING:
            timer.status = TimerStatus.BREACHED_RUNNING
        timer.escalation_level = 0
        project(timer, clock, self.ladder(timer))
        timer.save()
        notice = notify_breach(timer, now=self.at, clock=clock, recipients=self.recipients)
        self.events.append(audit.breach_event(timer, at=self.at, reason=reason, notice=notice))
        self.changed = True

    def next_cycle(self, metric: str) -> tuple[int, SLATimer | None]:
        last = SLATimer.objects.filter(ticket=self.ticket, metric=metric).order_by("-cycle").first()
        return (last.cycle + 1 if last else 1), last

    def reevaluate(self, *, why: str) -> None:
        """Match the policy again and re-project every changed target from the original start,
        keeping the time used and the pauses. A breach is never undone: breached timers keep
        their due time and their ladder."""
        policy = self.policy()
        for metric, timer in list(self.active.items()):
            if timer.breached_at is not None:
                continue
            target = policy.target_for(metric) if policy else None
            if target is None:
                self.stop(timer, reason="no target after re-evaluation", met=False)
                self.events.append(audit.cancelled_event(timer, at=self.at, why=why))
                continue
            self.retarget(timer, policy, target, why=why)
        if policy is not None:
            self.start_missing(policy, why=why)

    def retarget(self, timer: SLATimer, policy: SLAPolicy, target: SLATarget, *, why: str) -> None:
        calendar = policy.calendar if target.business_hours else None
        calendar_id = calendar.pk if calendar else None
        unchanged = (
            timer.policy_id,
            timer.target_minutes,
            timer.warn_at_percent,
            timer.warn_minutes_before,
            timer.calendar_id,
        ) == (
            policy.pk,
            target.minutes,
            target.warn_at_percent,
            target.warn_minutes_before,
            calendar_id,
        )
        if unchanged:
            return
        before = {
            "policy": timer.policy_id,
            "target_minutes": timer.target_minutes,
            "business_hours": timer.calendar_id is not None,
            "due_at": timer.due_at.isoformat() if timer.status in COUNTING else None,
        }
        new_clock = self.clocks.for_calendar(calendar)
        if timer.calendar_id == calendar_id:
            checkpoint(timer, new_clock, self.at)
        else:
            # Another clock: what was used is measured on it from the original start.
            until = self.at if timer.status in COUNTING else timer.paused_at
            timer.elapsed_seconds = remeasure(timer, new_clock, until)
            timer.counted_until = until
        timer.policy = policy
        timer.calendar = calendar
        timer.target_minutes = target.minutes
        timer.warn_at_percent = target.warn_at_percent
        timer.warn_minutes_before = target.warn_minutes_before
        project(timer, new_clock)
        timer.save()
        self.changed = True
        self.events.append(audit.reevaluated_event(timer, at=self.at, why=why, before=before))
        if is_overdue(timer):
            self.breach(
                timer,
                reason=(
                    f"{why}: the target is now {timer.target_minutes} min and "
                    f"{timer.elapsed_seconds // 60} min were already used"
                ),
            )

    def start_missing(self, policy: SLAPolicy, *, why: str) -> None:
        """Targets the previous policy did not have: first response and resolution run from the
        ticket's creation, if they still apply and never ran."""
        ticket = self.ticket
        wanted = []
        if ticket.first_response_at is None:
            wanted.append(Metric.FIRST_RESPONSE)
        if ticket.status in Ticket.OPEN_STATUSES:
            wanted.append(Metric.RESOLUTION)
        wanted = [m for m in wanted if m not in self.active and policy.target_for(m)]
        if not wanted:
            return
        ran = set(
            SLATimer.objects.filter(ticket=ticket, metric__in=wanted).values_list(
                "metric", flat=True
            )
        )
        for metric in wanted:
            if metric in ran:
                continue
            paused_since = None
            if metric == Metric.RESOLUTION and ticket.status in PAUSING_STATUSES:
                paused_since = max(ticket.status_changed_at, ticket.created_at)
            self._start_at(
                metric,
                policy,
                policy.target_for(metric),
                ticket.created_at,
                paused_since=paused_since,
                why=why,
            )

    def _start_at(
        self,
        metric: str,
        policy: SLAPolicy,
        target: SLATarget,
        start: datetime,
        *,
        paused_since: datetime | None,
        why: str,
    ) -> SLATimer:
        if paused_since is None or paused_since >= self.at:
            return self.start(metric, policy, target, start=start, cycle=1, why=why)
        # Count until the pause began, then stay paused.
        now = self.at
        self.at = paused_since
        try:
            timer = self.start(metric, policy, target, start=start, cycle=1, why=why)
            self.pause(timer)
        finally:
            self.at = now
        return timer

    def finish(self) -> None:
        if self.events:
            TicketEvent.objects.bulk_create(self.events)
            self.events = []
        if self.changed:
            store_next_due(self.ticket, self.active.values())
            self.changed = False


def store_next_due(ticket: Ticket, active: Iterable[SLATimer]) -> None:
    """Keep Ticket.sla_due_at (the queue's sort key) equal to its soonest counting deadline."""
    due = min((t.due_at for t in active if t.status in COUNTING), default=None)
    if due != ticket.sla_due_at:
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due)
        ticket.sla_due_at = due


# Event handlers


def _on_created(timers: TicketTimers, event: TicketEvent) -> None:
    policy = timers.policy()
    if policy is None:
        return
    for metric in (Metric.FIRST_RESPONSE, Metric.RESOLUTION):
        target = policy.target_for(metric)
        if target is not None and metric not in timers.active:
            timers.start(metric, policy, target, start=timers.at, cycle=1)


def _on_agent_replied(timers: TicketTimers, event: TicketEvent) -> None:
    for metric in (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE):
        timer = timers.active.get(metric)
        if timer is not None:
            timers.stop(timer, reason="agent replied", met=True)


def _on_customer_message(timers: TicketTimers, event: TicketEvent) -> None:
    # First response covers the customer until an agent has replied; a running next response
    # keeps its start (more messages from the customer do not restart it).
    if timers.ticket.first_response_at is None:
        return
    if Metric.FIRST_RESPONSE in timers.active or Metric.NEXT_RESPONSE in timers.active:
        return
    policy = timers.policy()
    target = policy.target_for(Metric.NEXT_RESPONSE) if policy else None
    if target is not None:
        cycle, _ = timers.next_cycle(Metric.NEXT_RESPONSE)
        timers.start(Metric.NEXT_RESPONSE, policy, target, start=timers.at, cycle=cycle)


def _on_status(timers: TicketTimers, event: TicketEvent) -> None:
    old, new = event.old_value, event.new_value
    active = timers.active
    if new == Status.RESOLVED:
        for metric, reason, met in (
            (Metric.RESOLUTION, "resolved", True),
            (Metric.FIRST_RESPONSE, "resolved without a public reply", False),
            (Metric.NEXT_RESPONSE, "resolved after the customer's message", False),
        ):
            if metric in active:
                timers.stop(active[metric], reason=reason, met=met)
        return
    if new == Status.CLOSED:
        for timer in list(active.values()):
            timers.stop(timer, reason="closed", met=False)
        return
    if old == Status.RESOLVED:
        _start_next_resolution_cycle(timers)
    # Pausing and resuming for the new status: reconcile_pauses(), after every handler.


def _start_next_resolution_cycle(timers: TicketTimers) -> None:
    """A reopen continues the resolution total in a new cycle; the first cycle's figure stays."""
    if Metric.RESOLUTION in timers.active:
        return
    policy = timers.policy()
    target = policy.target_for(Metric.RESOLUTION) if policy else None
    if target is None:
        return
    cycle, last = timers.next_cycle(Metric.RESOLUTION)
    timers.start(
        Metric.RESOLUTION,
        policy,
        target,
        start=timers.at,
        cycle=cycle,
        carried=last.elapsed_seconds if last else 0,
        carried_calendar=last.calendar_seconds if last else 0,
        why="reopened with its resolution target already used",
    )


def _on_routing_change(timers: TicketTimers, event: TicketEvent) -> None:
    timers.reevaluate(why=f"{event.kind} changed from {event.old_value} to {event.new_value}")


def _on_merged(timers: TicketTimers, event: TicketEvent) -> None:
    for timer in list(timers.active.values()):
        timers.stop(timer, reason="merged", met=False)


def _on_incident(timers: TicketTimers, event: TicketEvent) -> None:
    """Linked to or unlinked from an incident, or its incident resolved: reconcile_pauses()
    does what follows."""


def held_by_incident(ticket: Ticket) -> bool:
    """Linked to an incident that is not resolved. The incident is read through the ticket's
    relation by name: the incidents app sits above this one."""
    if ticket.incident_id is None:
        return False
    return ticket.incident.resolved_at is None


def reconcile_pauses(timers: TicketTimers) -> None:
    """Pause what should not count now, resume what should: the resolution timer while the
    ticket waits for the customer or is on hold, and every timer while the ticket's incident is
    open, if its policy pauses during incidents."""
    held = None
    for timer in list(timers.active.values()):
        if timer.status not in (*COUNTING, TimerStatus.PAUSED):
            continue
        pause = timer.metric == Metric.RESOLUTION and timers.ticket.status in PAUSING_STATUSES
        if not pause:
            if held is None:
                held = held_by_incident(timers.ticket)
            pause = held and _pauses_during_incidents(timers, timer)
        if pause and timer.status != TimerStatus.PAUSED:
            timers.pause(timer)
        elif not pause and timer.status == TimerStatus.PAUSED:
            timers.resume(timer)


def _pauses_during_incidents(timers: TicketTimers, timer: SLATimer) -> bool:
    if timers.policies is None:
        timers.policies = load_policies()
    for policy in timers.policies:
        if policy.pk == timer.policy_id:
            return policy.pause_during_incidents
    return timer.policy.pause_during_incidents


HANDLERS = {
    TicketEvent.Kind.CREATED: _on_created,
    TicketEvent.Kind.REPLIED: _on_agent_replied,
    TicketEvent.Kind.CUSTOMER_REPLIED: _on_customer_message,
    TicketEvent.Kind.STATUS: _on_status,
    TicketEvent.Kind.PRIORITY: _on_routing_change,
    TicketEvent.Kind.CATEGORY: _on_routing_change,
    TicketEvent.Kind.QUEUE: _on_routing_change,
    TicketEvent.Kind.MERGED: _on_merged,
    TicketEvent.Kind.INCIDENT: _on_incident,
}


def on_ticket_event(event: TicketEvent) -> None:
    """The SLA engine's reaction to a ticket change (see the table above).

    A failure here (a calendar left without working time, a bug) must not refuse the change
    itself, a customer's ticket least of all: the SLA part runs in a savepoint, and if it fails
    it is rolled back alone and logged; the ticket's timers catch up on its next change or by
    `manage.py sla_backfill --rebuild`."""
    handler = HANDLERS.get(event.kind)
    if handler is None:
        return
    try:
        with transaction.atomic():
            policies, clocks = CONFIGURATION.get()
            timers = TicketTimers.load(
                event.ticket,
                at=event.created_at,
                fetch=event.kind != TicketEvent.Kind.CREATED,
                policies=policies,
                clocks=clocks,
            )
            handler(timers, event)
            reconcile_pauses(timers)
            timers.finish()
    except Exception:
        logger.exception(
            "SLA: could not apply %s to the timers of ticket %s; the change itself stands",
            event.kind,
            event.ticket.reference,
        )


# Recomputing after configuration changes (run by tasks, in batches of tickets)


@dataclass(frozen=True)
class Progress:
    done: int
    # The last ticket id handled when the time ran out (a follow-up task resumes after it);
    # None once every ticket is done.
    resume_after: int | None


def _ticket_batches(
    timers: QuerySet, *, after: int, seconds_left: float | None
) -> Iterator[list[int]]:
    """Ticket ids with such timers, in batches, from `after` on; stops early (the caller sees
    the last batch it was given) once `seconds_left` has passed."""
    started = time.monotonic()
    while True:
        batch = list(
            timers.filter(ticket_id__gt=after)
            .order_by("ticket_id")
            .values_list("ticket_id", flat=True)
            .distinct()[:RECOMPUTE_BATCH]
        )
        if not batch:
            return
        yield batch
        after = batch[-1]
        if seconds_left is not None and time.monotonic() - started > seconds_left:
            return


def recompute_policy(
    policy_id: int,
    *,
    now: datetime | None = None,
    after: int = 0,
    seconds_left: float | None = None,
) -> Progress:
    """A policy was edited or deactivated: the tickets its timers run on are matched and
    projected again (keeping the time used)."""
    now = now or timezone.now()
    clocks, recipients, steps = Clocks(), Recipients(), {}
    policies = load_policies()
    done, last = 0, None
    timers = SLATimer.objects.active().filter(policy_id=policy_id)
    for batch in _ticket_batches(timers, after=after, seconds_left=seconds_left):
        with transaction.atomic():
            for ticket in Ticket.objects.select_for_update().filter(pk__in=batch).order_by("pk"):
                changes = TicketTimers.load(
                    ticket,
                    at=now,
                    clocks=clocks,
                    recipients=recipients,
                    policies=policies,
                    steps=steps,
                )
                changes.reevaluate(why="policy changed")
                # Its "pause during incidents" may have changed: linked tickets follow it.
                reconcile_pauses(changes)
                changes.finish()
                done += 1
        last = batch[-1]
    return Progress(done, _resume_after(timers, last))


def recompute_calendar(
    calendar_id: int,
    *,
    previous: Clock,
    changed_at: datetime,
    now: datetime | None = None,
    after: int = 0,
    seconds_left: float | None = None,
) -> Progress:
    """A calendar was edited at `changed_at`: the time running timers used up to then is counted
    with the calendar as it was; what remains is projected with the calendar as it is. Paused
    and finished timers keep their figures."""
    now = now or timezone.now()
    calendar = BusinessCalendar.objects.prefetch_related("windows", "holidays").get(pk=calendar_id)
    clocks, recipients, steps = Clocks(), Recipients(), {}
    current = clocks.for_calendar(calendar)
    done, last = 0, None
    timers = SLATimer.objects.active().filter(calendar_id=calendar_id)
    for batch in _ticket_batches(timers, after=after, seconds_left=seconds_left):
        with transaction.atomic():
            for ticket in Ticket.objects.select_for_update().filter(pk__in=batch).order_by("pk"):
                changes = TicketTimers.load(
                    ticket, at=now, clocks=clocks, recipients=recipients, steps=steps
                )
                for timer in list(changes.active.values()):
                    if timer.calendar_id != calendar_id or timer.status not in COUNTING:
                        continue
                    if changed_at > timer.counted_until:
                        timer.elapsed_seconds += seconds(
                            previous.between(timer.counted_until, changed_at)
                        )
                        timer.counted_until = changed_at
                    timer.calendar = calendar
                    project(timer, current, changes.ladder(timer))
                    timer.save()
                    changes.changed = True
                    done += 1
                    if is_overdue(timer):
                        changes.breach(timer, reason="calendar changed")
                changes.finish()
        last = batch[-1]
    return Progress(done, _resume_after(timers, last))


def _resume_after(timers: QuerySet, last: int | None) -> int | None:
    if last is None or not timers.filter(ticket_id__gt=last).exists():
        return None
    return last
