"""SLA attainment for the lead's report (docs/design.md section 6, "Reporting").

Every timer is one fact: target, time used on its clock (business hours, or around the clock
for 24/7 targets; pauses left out), calendar time from start to stop, met or breached, overrun.
`attainment()` groups the facts of timers started in a period by queue, agent, category or
priority, per metric: how many met and breached, the share met, and the median and 90th
percentile of business and calendar time of the finished ones.

On PostgreSQL it is one aggregate query (percentile_cont); elsewhere (SQLite in development)
the finished timers' figures are read and the percentiles computed here.
"""

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Q, QuerySet
from django.utils.translation import gettext as _

from tickets.models import Category, Queue, SLATimer, Ticket, User
from tickets.models.tickets import Priority

Status = SLATimer.Status
GROUPS = {
    "queue": "ticket__queue_id",
    "agent": "ticket__assignee_id",
    "category": "ticket__category_id",
    "priority": "ticket__priority",
}
MET = Q(status=Status.MET)
BREACHED = Q(breached_at__isnull=False)
UNDECIDED = Q(status__in=[Status.RUNNING, Status.PAUSED], breached_at__isnull=True)
FINISHED = Q(status__in=[Status.MET, Status.BREACHED_MET])


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: the interpolated percentile of a column."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


@dataclass(frozen=True)
class AttainmentRow:
    key: Any  # queue id, user id (None: unassigned), category code or priority number
    label: str
    metric: str
    met: int
    breached: int
    running: int  # started in the period, neither met nor breached yet
    attainment: float | None  # percent of decided timers that were met
    business_p50: float | None  # seconds on the target's clock, finished timers only
    business_p90: float | None
    calendar_p50: float | None  # wall-clock seconds from start to stop, pauses included
    calendar_p90: float | None

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def attainment(
    *,
    since: datetime,
    until: datetime,
    by: str = "queue",
    metric: str | None = None,
    tickets: QuerySet[Ticket] | None = None,
) -> list[AttainmentRow]:
    """Attainment of timers started in [since, until), grouped `by` queue, agent, category or
    priority. `tickets` narrows it (e.g. Ticket.objects.visible_to(lead))."""
    if by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)}, not {by!r}.")
    timers = SLATimer.objects.filter(started_at__gte=since, started_at__lt=until).exclude(
        Q(status=Status.CANCELLED) & Q(breached_at__isnull=True)
    )
    if metric:
        timers = timers.filter(metric=metric)
    if tickets is not None:
        timers = timers.filter(ticket__in=tickets.values("pk"))
    if connection.vendor == "postgresql":
        facts = aggregate_in_database(timers, GROUPS[by])
    else:
        facts = aggregate_in_python(timers, GROUPS[by])
    labels = _labels(by, {key for key, _metric in facts})
    return [
        AttainmentRow(key=key, label=labels.get(key, str(key)), metric=m, **figures)
        for (key, m), figures in sorted(
            facts.items(), key=lambda item: (str(item[0][0]), item[0][1])
        )
    ]


def aggregate_in_database(timers: QuerySet, group: str) -> dict[tuple, dict]:
    rows = (
        timers.values(group, "metric")
        .annotate(
            met=Count("pk", filter=MET),
            breached=Count("pk", filter=BREACHED),
            running=Count("pk", filter=UNDECIDED),
            business_p50=PercentileCont("elapsed_seconds", 0.5, filter=FINISHED),
            business_p90=PercentileCont("elapsed_seconds", 0.9, filter=FINISHED),
            calendar_p50=PercentileCont("calendar_seconds", 0.5, filter=FINISHED),
            calendar_p90=PercentileCont("calendar_seconds", 0.9, filter=FINISHED),
        )
        .order_by()
    )
    return {(row.pop(group), row.pop("metric")): _with_attainment(row) for row in rows}


def aggregate_in_python(timers: QuerySet, group: str) -> dict[tuple, dict]:
    counts: dict[tuple, dict[str, int]] = defaultdict(
        lambda: {"met": 0, "breached": 0, "running": 0}
    )
    business: dict[tuple, list[int]] = defaultdict(list)
    calendar: dict[tuple, list[int]] = defaultdict(list)
    for key, metric, status, breached_at, elapsed, wall in timers.values_list(
        group, "metric", "status", "breached_at", "elapsed_seconds", "calendar_seconds"
    ).iterator(chunk_size=5000):
        facts = counts[(key, metric)]
        if breached_at is not None:
            facts["breached"] += 1
        elif status == Status.MET:
            facts["met"] += 1
        elif status in (Status.RUNNING, Status.PAUSED):
            facts["running"] += 1
        if status in (Status.MET, Status.BREACHED_MET):
            business[(key, metric)].append(elapsed)
            calendar[(key, metric)].append(wall)
    return {
        key: _with_attainment(
            {
                **facts,
                "business_p50": percentile(business[key], 0.5),
                "business_p90": percentile(business[key], 0.9),
                "calendar_p50": percentile(calendar[key], 0.5),
                "calendar_p90": percentile(calendar[key], 0.9),
            }
        )
        for key, facts in counts.items()
    }


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks, as PostgreSQL's percentile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low, high = math.floor(rank), math.ceil(rank)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def _with_attainment(figures: dict) -> dict:
    decided = figures["met"] + figures["breached"]
    figures["attainment"] = round(100 * figures["met"] / decided, 1) if decided else None
    return figures


def _labels(by: str, keys: set) -> dict[Any, str]:
    if by == "queue":
        return dict(Queue.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "agent":
        labels = {user.pk: str(user) for user in User.objects.filter(pk__in=keys - {None})}
        return labels | {None: _("Unassigned")}
    if by == "category":
        return {c.pk: c.label() for c in Category.objects.filter(pk__in=keys)}
    return {p: str(Priority(p).label) for p in keys if p in Priority.values}
