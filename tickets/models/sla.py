"""SLA configuration (calendars, policies, targets, escalation ladders) and the timers that run
against it (docs/design.md section 6). The arithmetic lives in sla/, the rules for when a timer
starts, stops and breaches in sla/engine.py and sla/sweep.py."""

from datetime import time
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tickets import Priority, Ticket

MIDNIGHT = time(0)


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone such as Asia/Jakarta."), params={"value": value}
        )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessCalendar(models.Model):
    """When a team works: weekly windows in a time zone, minus holidays; or around the clock."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Asia/Jakarta. Windows and holidays are in this zone."),
    )
    is_24_7 = models.BooleanField(
        _("open 24/7"),
        default=False,
        help_text=_("Every minute counts; windows and holidays are ignored."),
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BusinessWindow(models.Model):
    """One weekly stretch of working time, half-open: [starts_at, ends_at)."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="windows",
        verbose_name=_("calendar"),
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(
        _("until"), help_text=_("Not included. 00:00 means midnight at the end of the day.")
    )

    class Meta:
        verbose_name = _("business hours window")
        verbose_name_plural = _("business hours windows")
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")) | Q(ends_at=MIDNIGHT),
                name="sla_window_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="sla_window_weekday_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"

    def clean(self) -> None:
        if self.starts_at is not None and self.ends_at is not None and not self.ends_in_order():
            raise ValidationError(
                {"ends_at": _("A window must end after it starts (00:00 means midnight).")}
            )

    def ends_in_order(self) -> bool:
        return self.ends_at == MIDNIGHT or self.ends_at > self.starts_at

    @property
    def minutes(self) -> tuple[int, int]:
        """Start and end as minutes since midnight, the end of the day being 1440."""
        end = 1440 if self.ends_at == MIDNIGHT else self.ends_at.hour * 60 + self.ends_at.minute
        return self.starts_at.hour * 60 + self.starts_at.minute, end


class Holiday(models.Model):
    """A day without working time: on one date, or on the same day every year."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        PACKAGE = "package", _("Loaded from the holidays package")

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="holidays",
        verbose_name=_("calendar"),
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)
    is_yearly = models.BooleanField(
        _("every year"), default=False, help_text=_("Repeats on this day and month every year.")
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL, editable=False
    )

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_holiday_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class SLAPolicyQuerySet(models.QuerySet):
    def active(self) -> "SLAPolicyQuerySet":
        return self.filter(is_active=True)

    def for_matching(self) -> "SLAPolicyQuerySet":
        """Active policies in matching order, with what matching and timers need preloaded."""
        return (
            self.active()
            .select_related("calendar")
            .prefetch_related("categories", "queues", "targets")
            .order_by("is_default", "position", "id")
        )


class SLAPolicy(models.Model):
    """Targets for the tickets it matches. Active policies are tried in order of position; the
    first whose conditions all match applies, and the default applies to everything else."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    position = models.PositiveIntegerField(
        _("position"), default=100, help_text=_("Lower positions are tried first.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("Applies to every ticket no other policy matches. Exactly one is the default."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        related_name="policies",
        verbose_name=_("business hours"),
        help_text=_("Targets counted in business time use this calendar."),
    )
    # Conditions: empty means "any". A ticket matches when it meets all of them.
    categories = models.ManyToManyField(
        "tickets.Category", blank=True, related_name="+", verbose_name=_("categories")
    )
    queues = models.ManyToManyField(
        "tickets.Queue", blank=True, related_name="+", verbose_name=_("queues")
    )
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    pause_during_incidents = models.BooleanField(
        _("pause during incidents"),
        default=True,
        db_default=True,
        help_text=_(
            "While a ticket is linked to an incident that is not resolved, its timers stop "
            "counting: nobody is late because a bank is down."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SLAPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["is_default", "position", "id"]
        constraints = [
            # "Exactly one default": at most one here; the admin refuses to leave none.
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="sla_one_default_policy"
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(is_active=True),
                name="sla_default_policy_active",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        bad_priorities = set(self.priorities or []) - set(Priority.values)
        if bad_priorities:
            raise ValidationError({"priorities": _("Unknown priority.")})
        if set(self.channels or []) - set(Ticket.Channel.values):
            raise ValidationError({"channels": _("Unknown channel.")})
        if self.is_default and not self.is_active:
            raise ValidationError({"is_active": _("The default policy must stay active.")})

    def matches(self, ticket: Ticket) -> bool:
        """Whether the ticket meets every condition (the default matches everything).

        Reads the prefetched categories and queues (see SLAPolicyQuerySet.for_matching)."""
        if self.is_default:
            return True
        categories = {c.pk for c in self.categories.all()}
        queues = {q.pk for q in self.queues.all()}
        return (
            (not categories or ticket.category_id in categories)
            and (not queues or ticket.queue_id in queues)
            and (not self.priorities or ticket.priority in self.priorities)
            and (not self.channels or ticket.channel in self.channels)
        )

    def conditions_q(self) -> Q:
        """The conditions as a ticket filter (empty Q: matches every ticket)."""
        if self.is_default:
            return Q()
        q = Q()
        categories = [c.pk for c in self.categories.all()]
        queues = [queue.pk for queue in self.queues.all()]
        if categories:
            q &= Q(category_id__in=categories)
        if queues:
            q &= Q(queue_id__in=queues)
        if self.priorities:
            q &= Q(priority__in=self.priorities)
        if self.channels:
            q &= Q(channel__in=self.channels)
        return q

    def target_for(self, metric: str) -> "SLATarget | None":
        return next((t for t in self.targets.all() if t.metric == metric), None)


class SLATarget(models.Model):
    """How long a policy gives for one metric, on which clock, and when to warn."""

    policy = models.ForeignKey(
        SLAPolicy, on_delete=models.CASCADE, related_name="targets", verbose_name=_("policy")
    )
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    minutes = models.PositiveIntegerField(_("target (minutes)"), validators=[MinValueValidator(1)])
    business_hours = models.BooleanField(
        _("business hours"),
        default=True,
        help_text=_("Count only the policy calendar's business hours; off: around the clock."),
    )
    warn_at_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("warn at % used"),
        null=True,
        blank=True,
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    warn_minutes_before = models.PositiveIntegerField(
        _("warn minutes before due"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["policy", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "metric"], name="sla_target_one_per_metric"),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="sla_target_minutes_positive"),
        ]

    def __str__(self) -> str:
        clock = _("business") if self.business_hours else _("calendar")
        return f"{self.get_metric_display()}: {self.minutes} min ({clock})"

    def clean(self) -> None:
        if self.warn_minutes_before and self.minutes and self.warn_minutes_before >= self.minutes:
            raise ValidationError(
                {"warn_minutes_before": _("A warning must come before the target runs out.")}
            )


class EscalationStep(models.Model):
    """One rung of a policy's escalation ladder, run once when a breached timer's overrun reaches
    `after_minutes` (counted on the breached target's clock). Every step writes an internal note
    and an audit event; it may also raise the priority or move the ticket."""

    class Notify(models.TextChoices):
        ASSIGNEE = "assignee", _("The assignee (or the queue leads when unassigned)")
        QUEUE_LEADS = "queue_leads", _("The queue leads")
        ADMINS = "admins", _("The admins")

    policy = models.ForeignKey(
        SLAPolicy,
        on_delete=models.CASCADE,
        related_name="escalation_steps",
        verbose_name=_("policy"),
    )
    metric = models.CharField(
        _("metric"),
        max_length=20,
        choices=Metric.choices,
        blank=True,
        help_text=_("Blank: a breach of any target."),
    )
    after_minutes = models.PositiveIntegerField(
        _("minutes after the breach"), default=0, help_text=_("0: at the breach.")
    )
    notify = models.CharField(
        _("notify"), max_length=20, choices=Notify.choices, default=Notify.ASSIGNEE
    )
    set_priority = models.PositiveSmallIntegerField(
        _("raise priority to"), choices=Priority.choices, null=True, blank=True
    )
    move_to_queue = models.ForeignKey(
        "tickets.Queue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("move to queue"),
    )

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["policy", "after_minutes", "id"]

    def __str__(self) -> str:
        return f"+{self.after_minutes} min: {self.get_notify_display()}"


class SLATimerQuerySet(models.QuerySet):
    def active(self) -> "SLATimerQuerySet":
        return self.filter(status__in=SLATimer.ACTIVE_STATUSES)

    def counting(self) -> "SLATimerQuerySet":
        """Timers with a deadline that is running out or has run out (not paused)."""
        return self.filter(status__in=SLATimer.COUNTING_STATUSES)


class SLATimer(models.Model):
    """One metric of one ticket for one cycle: when it started, how much of its target is used,
    when it is due, what has fired. One row per (ticket, metric, cycle) and a fact for reports
    once it stops.

    Time used is kept as a checkpoint: `elapsed_seconds` of the timer's clock (business or
    calendar time, pauses excluded, earlier cycles' total included) up to `counted_until`. Any
    later instant's figure is the checkpoint plus the clock's time since, so a pause, a policy
    change or a calendar edit never loses time already used.
    """

    Metric = Metric

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        MET = "met", _("Met")
        BREACHED_RUNNING = "breached_running", _("Breached, still running")
        BREACHED_MET = "breached_met", _("Breached, since done")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATUSES = (Status.RUNNING, Status.PAUSED, Status.BREACHED_RUNNING)
    COUNTING_STATUSES = (Status.RUNNING, Status.BREACHED_RUNNING)

    # No index of its own: the unique (ticket, metric, cycle) constraint leads with ticket_id.
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        related_name="sla_timers",
        verbose_name=_("ticket"),
        db_index=False,
    )
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    # The target as it was applied (copied, so an edited policy never rewrites finished facts).
    policy = models.ForeignKey(
        SLAPolicy,
        on_delete=models.PROTECT,
        related_name="timers",
        verbose_name=_("policy"),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timers",
        verbose_name=_("business hours"),
        help_text=_("Empty: counted around the clock."),
    )
    target_minutes = models.PositiveIntegerField(_("target (minutes)"))
    # xgettext:no-python-format
    warn_at_percent = models.PositiveSmallIntegerField(_("warn at % used"), null=True, blank=True)
    warn_minutes_before = models.PositiveIntegerField(
        _("warn minutes before due"), null=True, blank=True
    )

    started_at = models.DateTimeField(_("started"))
    counted_until = models.DateTimeField(_("counted until"))
    elapsed_seconds = models.PositiveIntegerField(_("time used (s)"), default=0)
    carried_seconds = models.PositiveIntegerField(_("carried from earlier cycles (s)"), default=0)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused in total (s)"), default=0)
    # Closed pauses as [start, end] ISO pairs: re-projecting onto another clock from the
    # original start needs them. A cycle has a handful at most.
    pauses = models.JSONField(_("pauses"), default=list, blank=True)
    due_at = models.DateTimeField(_("due"))

    next_warning_at = models.DateTimeField(_("next warning"), null=True, blank=True)
    warned_levels = models.JSONField(_("warnings fired"), default=list, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation steps run"), default=0)
    next_escalation_at = models.DateTimeField(_("next escalation step"), null=True, blank=True)

    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    stop_reason = models.CharField(_("why it stopped"), max_length=40, blank=True)
    # Wall-clock time from the first cycle's start to the stop, pauses included; set on stop.
    calendar_seconds = models.PositiveIntegerField(_("calendar time (s)"), default=0)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SLATimerQuerySet.as_manager()

    class Meta:
        verbose_name = _("SLA timer")
        verbose_name_plural = _("SLA timers")
        ordering = ["ticket", "metric", "cycle"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "cycle"], name="sla_timer_unique_cycle"
            ),
            # The real guard against two events starting the same metric twice. Also the index
            # behind a ticket's running deadlines (staff ticket page, Ticket.sla_due_at).
            models.UniqueConstraint(
                fields=["ticket", "metric"],
                condition=Q(status__in=["running", "paused", "breached_running"]),
                name="sla_timer_one_active_per_metric",
            ),
        ]
        indexes = [
            # Used by the SLA sweep's breach step: running timers whose due time has passed.
            models.Index(
                fields=["due_at"], condition=Q(status="running"), name="sla_timer_running_due"
            ),
            # Used by the SLA sweep's warning step (set only while a timer runs).
            models.Index(
                fields=["next_warning_at"],
                condition=Q(next_warning_at__isnull=False),
                name="sla_timer_warning_due",
            ),
            # Used by the SLA sweep's escalation step (set only while a breached timer counts).
            models.Index(
                fields=["next_escalation_at"],
                condition=Q(next_escalation_at__isnull=False),
                name="sla_timer_escalation_due",
            ),
            # Used by the lead's report: timers started in a period.
            models.Index(fields=["started_at"], name="sla_timer_started"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} #{self.cycle} of {self.ticket_id}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def target_seconds(self) -> int:
        return self.target_minutes * 60
