from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tickets.models import Category, Ticket, TicketEvent

# A missing text falls back through the other languages in this order.
FALLBACK = ("en", "id", "zh_hans")


def _field(language: str | None) -> str:
    return (language or get_language() or settings.LANGUAGE_CODE).replace("-", "_").lower()


def in_language(obj, prefix: str, language: str | None = None) -> str:
    """`obj.<prefix>_<language>`, else the first of FALLBACK that is written."""
    wanted = _field(language)
    for suffix in (wanted, *FALLBACK):
        value = getattr(obj, f"{prefix}_{suffix}", "")
        if value:
            return value
    return ""


class IncidentQuerySet(models.QuerySet):
    def active(self) -> "IncidentQuerySet":
        return self.exclude(status=Incident.Status.RESOLVED)

    def recent(self, *, days: int = 14) -> "IncidentQuerySet":
        """Active incidents and those resolved in the last `days` (the status page)."""
        since = timezone.now() - timezone.timedelta(days=days)
        return self.filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=since)).order_by(
            models.F("resolved_at").desc(nulls_first=True), "-started_at"
        )


class Incident(models.Model):
    """An outage or a known problem many customers write about at once: a bank's virtual-account
    top-ups delayed, QRIS payments failing at one acquirer. Declared by a lead or an admin."""

    class Status(models.TextChoices):
        INVESTIGATING = "investigating", _("Investigating")
        IDENTIFIED = "identified", _("Identified")
        MONITORING = "monitoring", _("Monitoring a fix")
        RESOLVED = "resolved", _("Resolved")

    title_id = models.CharField(_("title (Bahasa Indonesia)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_zh_hans = models.CharField(_("title (简体中文)"), max_length=200, blank=True)
    message_id = models.TextField(_("message to customers (Bahasa Indonesia)"), blank=True)
    message_en = models.TextField(_("message to customers (English)"), blank=True)
    message_zh_hans = models.TextField(_("message to customers (简体中文)"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVESTIGATING
    )
    # What it affects, in the terms of the ticket forms' structured fields. Empty means "any";
    # an incident with no condition at all is never matched automatically.
    categories = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("affected categories")
    )
    payment_methods = models.JSONField(_("payment methods"), default=list, blank=True)
    banks = models.JSONField(_("banks"), default=list, blank=True)
    merchants = models.JSONField(
        _("merchants"),
        default=list,
        blank=True,
        help_text=_("Names as customers write them; matched ignoring case and spaces."),
    )
    match_new_tickets = models.BooleanField(
        _("link matching new tickets"),
        default=True,
        help_text=_("Link and tag new tickets that match the conditions while it is active."),
    )
    show_banner = models.BooleanField(
        _("show a banner to customers"),
        default=True,
        help_text=_(
            "On the help centre, the forms of the affected categories and the status page; "
            "off: staff only."
        ),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    expected_end_at = models.DateTimeField(_("expected end"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, editable=False)
    # PROTECT: deleting the tag in the admin would break the linking of new tickets.
    tag = models.ForeignKey(
        "tickets.Tag",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("tag"),
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("declared by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["investigating", "identified", "monitoring", "resolved"]),
                name="incident_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="resolved", resolved_at__isnull=False)
                | (~Q(status="resolved") & Q(resolved_at__isnull=True)),
                name="incident_resolved_at_iff_resolved",
            ),
        ]
        indexes = [
            models.Index(
                fields=["started_at"],
                condition=Q(resolved_at__isnull=True),
                name="incident_active",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title()}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.RESOLVED

    def title(self, language: str | None = None) -> str:
        return in_language(self, "title", language)

    def message(self, language: str | None = None) -> str:
        return in_language(self, "message", language)

    def has_conditions(self, category_ids: list[str] | None = None) -> bool:
        if category_ids is None:
            category_ids = [c.pk for c in self.categories.all()]
        return bool(category_ids or self.payment_methods or self.banks or self.merchants)


class IncidentUpdate(models.Model):
    """A timed public update: what is known now, in each language. Posting one may tell every
    linked customer (an IncidentJob)."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="updates", verbose_name=_("incident")
    )
    status = models.CharField(_("status"), max_length=20, choices=Incident.Status.choices)
    message_id = models.TextField(_("update (Bahasa Indonesia)"), blank=True)
    message_en = models.TextField(_("update (English)"), blank=True)
    message_zh_hans = models.TextField(_("update (简体中文)"), blank=True)
    notify_customers = models.BooleanField(_("tell linked customers"), default=False)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("posted by"),
    )
    posted_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")
        ordering = ["-posted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.get_status_display()} {self.posted_at:%Y-%m-%d %H:%M}"

    def message(self, language: str | None = None) -> str:
        return in_language(self, "message", language)


class IncidentJob(models.Model):
    """Work over every ticket linked to an incident, done by a worker in batches: tell the
    customers of an update, or resolve the incident's tickets. Each batch commits its tickets'
    changes and the cursor together, so a worker killed mid-way loses only its open batch,
    which the next run does again: no ticket is done twice or skipped."""

    class Kind(models.TextChoices):
        NOTIFY = "notify", _("Tell linked customers")
        RESOLVE = "resolve", _("Resolve linked tickets")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Outcome(models.TextChoices):
        RESOLVE = "resolved", _("Resolve them")
        WAIT = "pending_customer", _("Ask the customers to confirm (waiting for customer)")
        LEAVE = "leave", _("Leave their status as it is")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("incident")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    update = models.ForeignKey(
        IncidentUpdate,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("update"),
    )
    outcome = models.CharField(
        _("linked tickets"), max_length=20, choices=Outcome.choices, default=Outcome.LEAVE
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("tickets"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    # Of those done, tickets left unchanged because their change failed (last_error says why).
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    # The last ticket id whose work is committed: the next batch starts after it.
    cursor = models.BigIntegerField(default=0)
    # A resolution's second pass, from the start, over linked tickets still open without its
    # mark: those committed out of id order behind the cursor, and those whose change failed.
    final_pass = models.BooleanField(default=False)
    # Runs in a row that failed without progress; at MAX_FAILURES the job is marked failed.
    failures = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("incident job")
        verbose_name_plural = _("incident jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["heartbeat_at"],
                condition=Q(state__in=["queued", "running"]),
                name="incident_job_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.incident_id} ({self.done}/{self.total})"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.state == self.State.DONE else 0
        return min(100, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    def tickets(self):
        """The tickets still to do: the incident's open tickets after the cursor, by id (in
        the final pass, those without this job's mark)."""
        tickets = Ticket.objects.filter(
            incident_id=self.incident_id, status__in=Ticket.OPEN_STATUSES, id__gt=self.cursor
        )
        if self.final_pass:
            tickets = tickets.exclude(
                models.Exists(
                    TicketEvent.objects.filter(
                        ticket=models.OuterRef("pk"),
                        kind=TicketEvent.Kind.INCIDENT,
                        field="incident_status",
                        data__job=self.pk,
                    )
                )
            )
        return tickets.order_by("id")
