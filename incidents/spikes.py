"""Spotting an outage before anyone declares it: groups of new tickets far above their usual rate.

A group is a category, a category and payment method, or a category, payment method and bank
(details->>'payment_method' and details->>'bank', as the ticket forms store them). A group spikes
when the last `window` (15 minutes) holds at least INCIDENT_SPIKE_MIN_TICKETS tickets and at least
INCIDENT_SPIKE_FACTOR times its usual count, with a floor of one ticket per window for a group with
no history.

Its usual count is the mean per window at the same time of day on each of the `baseline` (7) days
before: the window and half an hour either side of it (five windows a day). Customers write at
night far less than at noon, so a week's flat mean would flag every morning; and reading these
hours instead of the whole week reads a nineteenth of the rows. In an installation younger than
the baseline, only the hours it has count.

Cost at a million tickets: the current window is one range of the `ticket_created` index
(created_at, id), grouped in the database; the days before are read only when a group reaches the
minimum (never, on a quiet day), as seven more ranges of that index in one query. The staff
dashboard reads the result through the cache (CACHE_SECONDS), so a busy dashboard counts once per
half minute, and answers without it (counting itself) when Redis is down.

A spike already covered by an active incident is still shown, marked as such: an incident whose
conditions include the whole group (the matching rules of incidents.matching), or one to which at
least half of the group's tickets in the window are linked.
"""

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.forms import PaymentFailedForm
from tickets.models import Category

from .matching import Rule, normalise, rule_for
from .models import Incident

logger = logging.getLogger(__name__)

WINDOW = timedelta(minutes=15)
BASELINE = timedelta(days=7)
# Either side of the window's time of day, on each day of the baseline.
AROUND = timedelta(minutes=30)
# A group never seen in the baseline counts as usually one ticket per window: with the default
# settings a new kind of problem is flagged at max(min tickets, factor) tickets in 15 minutes.
FLOOR_PER_WINDOW = 1.0
CACHE_KEY = "incidents:spikes:v1"
CACHE_SECONDS = 30

# (category, payment method or "", bank as written or ""), the finest group a ticket falls in.
Key = tuple[str, str, str]


@dataclass(frozen=True)
class Spike:
    category: str
    payment_method: str
    bank: str
    count: int
    usual: float  # mean tickets per window at this time of day over the baseline
    ratio: float  # count / max(usual, FLOOR_PER_WINDOW)
    linked: int = 0  # of `count`, tickets already linked to an incident
    incident_id: int | None = None  # the active incident that covers it, if any
    window_minutes: int = 15

    @property
    def covered(self) -> bool:
        return self.incident_id is not None

    @property
    def usual_rounded(self) -> int:
        return round(self.usual)

    @property
    def declare_query(self) -> str:
        """The query string that prefills the "declare an incident" form with this group."""
        params = {"category": self.category}
        if self.payment_method:
            params["payment_method"] = self.payment_method
        if self.bank:
            params["bank"] = self.bank
        return urlencode(params)


def find_spikes(
    now: datetime | None = None, *, window: timedelta = WINDOW, baseline: timedelta = BASELINE
) -> list[Spike]:
    """The groups spiking at `now`, the largest ratio first, each marked with the active
    incident that covers it."""
    return mark_covered(_detect(now or timezone.now(), window=window, baseline=baseline))


def dashboard_spikes(now: datetime | None = None) -> list[Spike]:
    """find_spikes() counted at most once per CACHE_SECONDS for every dashboard; the incidents
    covering them are looked at on each call (a spike declared a minute ago shows as covered)."""
    spikes = cache.get(CACHE_KEY)  # None when missing, and when Redis is down (helpdesk.cache)
    if spikes is None:
        spikes = _detect(now or timezone.now(), window=WINDOW, baseline=BASELINE)
        cache.set(CACHE_KEY, spikes, CACHE_SECONDS)
    return mark_covered(spikes)


# Counting


def _detect(now: datetime, *, window: timedelta, baseline: timedelta) -> list[Spike]:
    minimum = settings.INCIDENT_SPIKE_MIN_TICKETS
    factor = settings.INCIDENT_SPIKE_FACTOR
    start = now - window
    current, linked, incident_of = _current(start, now)
    candidates = {group: n for group, n in current.items() if n >= minimum}
    if not candidates:
        return []
    ranges = _history_ranges(start, now, baseline)
    history = _history(ranges, {group[0] for group in candidates})
    windows = _windows_of_history(ranges, window)
    spikes = []
    for group, count in candidates.items():
        usual = history.get(group, 0) / windows if windows else 0.0
        expected = max(usual, FLOOR_PER_WINDOW)
        if count < factor * expected:
            continue
        spikes.append(
            Spike(
                category=group[0],
                payment_method=group[1],
                bank=group[2],
                count=count,
                usual=usual,
                ratio=count / expected,
                linked=linked.get(group, 0),
                incident_id=incident_of.get(group),
                window_minutes=round(window.total_seconds() / 60),
            )
        )
    spikes = _most_specific(spikes)
    spikes.sort(key=lambda s: (-s.ratio, -s.count, s.category, s.payment_method, s.bank))
    return spikes


def _groups(key: Key) -> list[Key]:
    """The groups a ticket counts in: its category, with its payment method, with its bank."""
    category, method, bank = key
    groups = [(category, "", "")]
    if method:
        groups.append((category, method, ""))
        if bank:
            groups.append((category, method, bank))
    return groups


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _finest(method, bank) -> tuple[str, str]:
    """A bank as customers write it ("bri", "Bank BRI ") is grouped by its normalised form."""
    return (str(method or "").strip(), str(bank or "").strip())


def _current(start: datetime, end: datetime):
    """Tickets per group created in [start, end), those already linked to an incident, and
    the incident most of a group's linked tickets are linked to."""
    # A range of the ticket_created index (created_at, id): the window's rows alone.
    rows = _rows(
        "SELECT category_id, details->>'payment_method', details->>'bank', incident_id, count(*) "
        "FROM tickets_ticket WHERE created_at >= %s AND created_at < %s "
        "GROUP BY 1, 2, 3, 4",
        [start, end],
    )
    counts: Counter = Counter()
    linked: Counter = Counter()
    per_incident: dict[Key, Counter] = defaultdict(Counter)
    spelling = _Spelling()
    for category, method, bank, incident_id, n in rows:
        method, bank = _finest(method, bank)
        key = (category, method, spelling.of(bank))
        for group in _groups(key):
            counts[group] += n
            if incident_id is not None:
                linked[group] += n
                per_incident[group][incident_id] += n
    incident_of = {}
    for group, incidents in per_incident.items():
        incident_id, n = incidents.most_common(1)[0]
        if 2 * n >= counts[group]:
            incident_of[group] = incident_id
    return counts, linked, incident_of


class _Spelling:
    """One spelling per normalised bank name (the first seen), so "BRI", "bri" and "B.R.I."
    count as one group."""

    def __init__(self) -> None:
        self.first: dict[str, str] = {}

    def of(self, bank: str) -> str:
        if not bank:
            return ""
        return self.first.setdefault(normalise(bank), bank)


def _history_ranges(start: datetime, end: datetime, baseline: timedelta):
    """The same time of day as [start, end) on each day of the baseline, AROUND either side."""
    days = max(1, round(baseline / timedelta(days=1)))
    return [
        (start - timedelta(days=day) - AROUND, end - timedelta(days=day) + AROUND)
        for day in range(1, days + 1)
    ]


def _history(ranges, categories: set[str]) -> Counter:
    """Tickets per group created in these ranges, for these categories."""
    # One range of the ticket_created index per day (a BitmapOr of them). The categories are
    # picked here rather than in SQL: a condition on category_id tempts the planner into
    # ANDing the category index, whose entries span the whole table.
    where = " OR ".join(["(created_at >= %s AND created_at < %s)"] * len(ranges))
    rows = _rows(
        "SELECT category_id, details->>'payment_method', details->>'bank', count(*) "
        f"FROM tickets_ticket WHERE {where} GROUP BY 1, 2, 3",
        [moment for pair in ranges for moment in pair],
    )
    counts: Counter = Counter()
    for category, method, bank, n in rows:
        if category not in categories:
            continue
        method, bank = _finest(method, bank)
        # Compared by normalised bank: the window's spelling is not the history's.
        for group in _groups((category, method, bank)):
            counts[_normal(group)] += n
    return _Normalised(counts)


def _normal(group: Key) -> Key:
    return (group[0], group[1], normalise(group[2]) if group[2] else "")


class _Normalised(Counter):
    """History counts looked up by a group as the window spells it."""

    def get(self, group, default=0):  # type: ignore[override]
        return super().get(_normal(group), default)


def _windows_of_history(ranges, window: timedelta) -> float:
    """How many windows of history the ranges really hold: fewer in the first week of an
    installation (the oldest ticket is read from the ticket_created index)."""
    oldest = _rows("SELECT min(created_at) FROM tickets_ticket", [])[0][0]
    if oldest is None:
        return 0.0
    covered = sum(
        (max(end - max(start, oldest), timedelta(0)) for start, end in ranges), timedelta(0)
    )
    return covered / window


def _most_specific(spikes: list[Spike]) -> list[Spike]:
    """A spike of "payment failed via virtual account (BRI)" also lifts "payment failed via
    virtual account" and "payment failed": the wider group is left out when the narrower
    spikes inside it make up at least half of its tickets."""
    kept = []
    for spike in spikes:
        inside = sum(
            other.count
            for other in spikes
            if other is not spike and _within(other, spike) and _directly_below(other, spike)
        )
        if 2 * inside < spike.count:
            kept.append(spike)
    return kept


def _within(narrow: Spike, wide: Spike) -> bool:
    if narrow.category != wide.category:
        return False
    if wide.payment_method and narrow.payment_method != wide.payment_method:
        return False
    return not wide.bank


def _directly_below(narrow: Spike, wide: Spike) -> bool:
    level = bool(wide.payment_method) + bool(wide.bank)
    return bool(narrow.payment_method) + bool(narrow.bank) == level + 1


# Words


def summary(spike: Spike, categories: dict[str, Category] | None = None) -> str:
    """ "Unusual: 48 Payment failed tickets via Bank transfer (virtual account) (BRI) in 15
    minutes, usually 3", in the active language."""
    category = (categories or {}).get(spike.category)
    values = {
        "count": spike.count,
        "category": category.label() if category else _category_label(spike.category),
        "method": _method_label(spike.payment_method),
        "bank": spike.bank,
        "minutes": spike.window_minutes,
        "usual": spike.usual_rounded,
    }
    if spike.bank:
        text = _(
            "Unusual: %(count)s %(category)s tickets via %(method)s (%(bank)s) in %(minutes)s "
            "minutes, usually %(usual)s"
        )
    elif spike.payment_method:
        text = _(
            "Unusual: %(count)s %(category)s tickets via %(method)s in %(minutes)s minutes, "
            "usually %(usual)s"
        )
    else:
        text = _(
            "Unusual: %(count)s %(category)s tickets in %(minutes)s minutes, usually %(usual)s"
        )
    return text % values


def _category_label(code: str) -> str:
    try:
        return str(Category.Code(code).label)
    except ValueError:
        return code


def _method_label(method: str) -> str:
    return str(dict(PaymentFailedForm.METHODS).get(method, method))


# Coverage


def active_rules() -> list[Rule]:
    """Every active incident's conditions, also of those that do not link new tickets."""
    incidents = Incident.objects.active().prefetch_related("categories")
    return [rule for rule in map(rule_for, incidents) if rule.specificity]


def covers(rule: Rule, spike: Spike) -> bool:
    """Whether every ticket of the spike's group matches the incident's conditions."""
    if rule.categories and spike.category not in rule.categories:
        return False
    if rule.payment_methods and spike.payment_method not in rule.payment_methods:
        return False
    if rule.banks and normalise(spike.bank) not in rule.banks:
        return False
    # An incident about some merchants covers only part of a group: its linked tickets say more.
    return not rule.merchants


def mark_covered(spikes: list[Spike]) -> list[Spike]:
    if not spikes:
        return []
    rules = active_rules()
    active = {rule.incident_id for rule in rules}
    marked = []
    for spike in spikes:
        incident_id = next((r.incident_id for r in rules if covers(r, spike)), None)
        if incident_id is None and spike.incident_id in active:
            incident_id = spike.incident_id  # most of its tickets are linked to an active one
        marked.append(replace(spike, incident_id=incident_id))
    return marked
