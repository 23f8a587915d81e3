"""The SLA set-up an installation starts with.

`ensure_default_policy()` (run by a data migration, with historical models) gives every
installation the office-hours calendar and the default policy, so "exactly one default" holds
from the first migrate and every ticket gets timers. `ensure_default_sla()` (run by seed_demo)
adds the 24/7 calendar, Indonesia's national holidays, the demo policies and timers for open
tickets that have none. Both only create what is missing: an admin's later edits are kept.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time

from django.utils import timezone

OFFICE_HOURS = "Office hours"
AROUND_THE_CLOCK = "Around the clock"
DEFAULT_POLICY = "Default"

# weekday (0 Monday), from, until
OFFICE_WINDOWS = [(day, time(8), time(17)) for day in range(5)] + [(5, time(8), time(12))]


@dataclass(frozen=True)
class Target:
    metric: str
    minutes: int
    business_hours: bool = True
    warn_at_percent: int | None = 75
    warn_minutes_before: int | None = None


@dataclass(frozen=True)
class Step:
    after_minutes: int
    notify: str
    set_priority: int | None = None


@dataclass(frozen=True)
class Policy:
    name: str
    position: int
    calendar: str
    targets: tuple[Target, ...]
    ladder: tuple[Step, ...]
    description: str = ""
    categories: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    priorities: tuple[int, ...] = ()
    is_default: bool = False


DEFAULT = Policy(
    name=DEFAULT_POLICY,
    position=1000,
    calendar=OFFICE_HOURS,
    is_default=True,
    description="Every ticket no other policy matches.",
    targets=(
        Target("first_response", 240),
        Target("next_response", 480),
        Target("resolution", 45 * 60, warn_minutes_before=60),  # five 9-hour days
    ),
    ladder=(Step(0, "assignee"), Step(120, "queue_leads"), Step(480, "admins")),
)

DEMO_POLICIES = (
    Policy(
        name="Urgent security (24/7)",
        position=10,
        calendar=AROUND_THE_CLOCK,
        description="Fraud and account takeover: answered and contained around the clock.",
        queues=("account-security",),
        priorities=(4,),
        targets=(
            Target("first_response", 15, False, 50, 5),
            Target("next_response", 30, False, 50),
            Target("resolution", 240, False, 75, 30),
        ),
        ladder=(Step(0, "assignee"), Step(10, "queue_leads"), Step(30, "admins")),
    ),
    Policy(
        name="Payments and refunds",
        position=20,
        calendar=OFFICE_HOURS,
        description="Money the customer is missing: answered within two business hours.",
        categories=("payment_failed", "refund"),
        targets=(
            Target("first_response", 120, warn_minutes_before=15),
            Target("next_response", 240),
            Target("resolution", 18 * 60, warn_minutes_before=60),  # two 9-hour days
        ),
        ladder=(Step(0, "assignee"), Step(60, "queue_leads"), Step(240, "admins", 4)),
    ),
    Policy(
        name="Complaints",
        position=30,
        calendar=OFFICE_HOURS,
        description="Formal complaints: acknowledged the same day, closed within five days.",
        categories=("complaint",),
        targets=(
            Target("first_response", 240),
            Target("next_response", 480),
            Target("resolution", 45 * 60, warn_minutes_before=120),
        ),
        ladder=(Step(0, "assignee"), Step(120, "queue_leads"), Step(16 * 60, "admins")),
    ),
)


def ensure_calendars(get_model: Callable, *, time_zone: str) -> dict:
    BusinessCalendar = get_model("tickets", "BusinessCalendar")
    BusinessWindow = get_model("tickets", "BusinessWindow")
    office, created = BusinessCalendar.objects.get_or_create(
        name=OFFICE_HOURS,
        defaults={
            "time_zone": time_zone,
            "description": "Monday to Friday 08:00-17:00, Saturday 08:00-12:00.",
        },
    )
    if created:
        BusinessWindow.objects.bulk_create(
            BusinessWindow(calendar=office, weekday=day, starts_at=start, ends_at=end)
            for day, start, end in OFFICE_WINDOWS
        )
    always, _ = BusinessCalendar.objects.get_or_create(
        name=AROUND_THE_CLOCK,
        defaults={"time_zone": time_zone, "is_24_7": True, "description": "Every minute counts."},
    )
    return {OFFICE_HOURS: office, AROUND_THE_CLOCK: always}


def ensure_policy(get_model: Callable, spec: Policy, calendars: dict) -> tuple[object, bool]:
    """The policy named in `spec`, created with its targets and ladder if it does not exist."""
    SLAPolicy = get_model("tickets", "SLAPolicy")
    policy = SLAPolicy.objects.filter(name=spec.name).first()
    if policy is not None:
        return policy, False
    if spec.is_default and SLAPolicy.objects.filter(is_default=True).exists():
        return SLAPolicy.objects.get(is_default=True), False
    policy = SLAPolicy.objects.create(
        name=spec.name,
        description=spec.description,
        position=spec.position,
        is_default=spec.is_default,
        calendar=calendars[spec.calendar],
        priorities=list(spec.priorities),
    )
    if spec.categories:
        policy.categories.set(
            get_model("tickets", "Category").objects.filter(pk__in=spec.categories)
        )
    if spec.queues:
        policy.queues.set(get_model("tickets", "Queue").objects.filter(slug__in=spec.queues))
    get_model("tickets", "SLATarget").objects.bulk_create(
        get_model("tickets", "SLATarget")(
            policy=policy,
            metric=t.metric,
            minutes=t.minutes,
            business_hours=t.business_hours,
            warn_at_percent=t.warn_at_percent,
            warn_minutes_before=t.warn_minutes_before,
        )
        for t in spec.targets
    )
    get_model("tickets", "EscalationStep").objects.bulk_create(
        get_model("tickets", "EscalationStep")(
            policy=policy,
            after_minutes=s.after_minutes,
            notify=s.notify,
            set_priority=s.set_priority,
        )
        for s in spec.ladder
    )
    return policy, True


def ensure_default_policy(get_model: Callable, *, time_zone: str) -> None:
    """The office-hours calendar and the default policy (used by the data migration)."""
    ensure_policy(get_model, DEFAULT, ensure_calendars(get_model, time_zone=time_zone))


@dataclass(frozen=True)
class SetupReport:
    policies_created: int
    holidays_added: int
    tickets_backfilled: int


def ensure_default_sla(*, years: tuple[int, ...] | None = None) -> SetupReport:
    """Calendars, Indonesian national holidays (this year and next), the demo policies and the
    default, then timers for open tickets that have none. Idempotent."""
    from django.apps import apps
    from django.conf import settings

    from .backfill import backfill_open_tickets
    from .national_holidays import load_national_holidays

    calendars = ensure_calendars(apps.get_model, time_zone=settings.TIME_ZONE)
    created = sum(
        ensure_policy(apps.get_model, spec, calendars)[1] for spec in (*DEMO_POLICIES, DEFAULT)
    )
    this_year = timezone.localdate().year
    added = sum(
        load_national_holidays(calendars[OFFICE_HOURS], year=year)
        for year in years or (this_year, this_year + 1)
    )
    return SetupReport(
        policies_created=created,
        holidays_added=added,
        tickets_backfilled=backfill_open_tickets(),
    )
