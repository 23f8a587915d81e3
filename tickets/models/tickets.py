import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .. import roles

# No 0/O, 1/I/L: a reference read over the phone or copied from a screenshot is never ambiguous.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 6  # 31**6 is about 887 million, so a collision (retried) is rare at 10M tickets.


def generate_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{settings.TICKET_REFERENCE_PREFIX}-{code}"


def generate_references(count: int, taken=frozenset()) -> list[str]:
    """`count` distinct references, none of them in `taken`, for one bulk insert: a few
    thousand random ones drawn independently share a value about once in a hundred batches
    (the birthday bound), which a bulk insert cannot retry."""
    references: dict[str, None] = {}
    while len(references) < count:
        reference = generate_reference()
        if reference not in taken:
            references[reference] = None
    return list(references)


class Priority(models.IntegerChoices):
    # Stored as numbers so "most urgent first" is an index scan, not a CASE expression.
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING_CUSTOMER = "pending_customer", _("Waiting for customer")
    ON_HOLD = "on_hold", _("On hold")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING_CUSTOMER, Status.ON_HOLD)


class Category(models.Model):
    """A topic a customer picks. The set and each topic's form live in code; admins may rename a
    topic and change where it is routed and at which priority."""

    class Code(models.TextChoices):
        PAYMENT_FAILED = "payment_failed", _("Payment failed")
        REFUND = "refund", _("Refund")
        ACCOUNT_ACCESS = "account_access", _("Account locked or can't log in")
        SUSPICIOUS_TRANSACTION = "suspicious_transaction", _("Suspicious transaction")
        COMPLAINT = "complaint", _("Complaint")
        HOW_TO = "how_to", _("How do I...")
        APP_PROBLEM = "app_problem", _("App problem")

    code = models.CharField(_("code"), max_length=32, primary_key=True, choices=Code.choices)
    name_id = models.CharField(_("name (Bahasa Indonesia)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    name_zh_hans = models.CharField(_("name (简体中文)"), max_length=100, blank=True)
    queue = models.ForeignKey(
        "tickets.Queue",
        on_delete=models.PROTECT,
        related_name="categories",
        verbose_name=_("routed to queue"),
    )
    default_priority = models.PositiveSmallIntegerField(
        _("default priority"), choices=Priority.choices
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("offered to customers"), default=True, help_text=_("Shown on the help centre and forms.")
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label()

    DESCRIPTIONS = {
        Code.PAYMENT_FAILED: _("A payment or transfer failed, or money left without arriving."),
        Code.REFUND: _("A refund you are waiting for, or one you want to ask for."),
        Code.ACCOUNT_ACCESS: _("Locked out, no verification code, lost or new phone."),
        Code.SUSPICIOUS_TRANSACTION: _("A payment you did not make. We act on these first."),
        Code.COMPLAINT: _("Tell us what went wrong with us or a merchant."),
        Code.HOW_TO: _("Questions about using the app and your account."),
        Code.APP_PROBLEM: _("The app crashes, freezes, or a screen does not work."),
    }

    @property
    def description(self) -> str:
        return str(self.DESCRIPTIONS.get(self.code, ""))

    def label(self, language: str | None = None) -> str:
        """The admin's name for this topic in the language, else the built-in translated one."""
        language = language or get_language() or settings.LANGUAGE_CODE
        override = getattr(self, "name_" + language.replace("-", "_"), "")
        return override or str(self.Code(self.code).label)


class Tag(models.Model):
    name = models.SlugField(_("name"), max_length=50, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TicketQuerySet(models.QuerySet):
    def open(self) -> "TicketQuerySet":
        return self.filter(status__in=Ticket.OPEN_STATUSES)

    def visible_to(self, user) -> "TicketQuerySet":
        """The tickets this user may see: the one rule every list, page and endpoint uses."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if roles.is_admin(user):
            return self
        if roles.is_staff_member(user):
            from .queues import queue_ids_visible_to

            # The ids as a list, not a subquery: PostgreSQL then combines the queue index with
            # others and plans with each queue's own statistics.
            return self.filter(queue_id__in=queue_ids_visible_to(user))
        return self.filter(requester__user=user)

    # SLA (docs/design.md section 6). `sla_due_at` is the ticket's next deadline, kept by the SLA
    # engine in the same transaction as its timers; rows show each deadline separately through
    # with_sla_timers() and sla.deadlines.running_deadlines().

    def by_next_due(self) -> "TicketQuerySet":
        """Soonest deadline first (overdue ones on top), tickets without one last."""
        return self.order_by(models.F("sla_due_at").asc(nulls_last=True), "created_at", "id")

    def breaching_soon(self, now: datetime, *, within: timedelta) -> "TicketQuerySet":
        """Open tickets with a deadline passed or passing within `within`, soonest first."""
        return self.open().filter(sla_due_at__lte=now + within).by_next_due()

    def breached(self, now: datetime) -> "TicketQuerySet":
        """Open tickets with a deadline already passed."""
        return self.open().filter(sla_due_at__lte=now).by_next_due()

    def with_sla_timers(self) -> "TicketQuerySet":
        """Preload each ticket's running and paused timers: one query for the whole page."""
        return self.prefetch_related(sla_timers_prefetch())


def sla_timers_prefetch() -> models.Prefetch:
    """The running and paused timers of tickets, as `ticket.active_sla_timers` (for
    with_sla_timers(), or prefetch_related_objects() on tickets already loaded)."""
    from .sla import SLATimer

    return models.Prefetch(
        "sla_timers",
        queryset=SLATimer.objects.active().select_related("calendar"),
        to_attr="active_sla_timers",
    )


class Ticket(models.Model):
    Status = Status
    Priority = Priority

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        EMAIL = "email", _("Email")
        API = "api", _("API")
        PHONE = "phone", _("Phone")
        CHAT = "chat", _("Chat")
        SOCIAL = "social", _("Social media")

    OPEN_STATUSES = OPEN_STATUSES

    # docs/design.md section 5. Closing from anything but resolved happens only through a merge.
    TRANSITIONS = {
        Status.NEW: {Status.OPEN, Status.PENDING_CUSTOMER, Status.ON_HOLD, Status.RESOLVED},
        Status.OPEN: {Status.PENDING_CUSTOMER, Status.ON_HOLD, Status.RESOLVED},
        Status.PENDING_CUSTOMER: {Status.OPEN, Status.ON_HOLD, Status.RESOLVED},
        Status.ON_HOLD: {Status.OPEN, Status.PENDING_CUSTOMER, Status.RESOLVED},
        Status.RESOLVED: {Status.OPEN, Status.CLOSED},
        Status.CLOSED: set(),
    }

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("category")
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    queue = models.ForeignKey(
        "tickets.Queue", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("queue")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    requester = models.ForeignKey(
        "tickets.Contact",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("requester"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # The category form's structured fields (transaction reference, amount, method...), redacted.
    details = models.JSONField(_("details"), default=dict, blank=True)
    # Copied out of details so duplicates by transaction can be found with an index.
    transaction_reference = models.CharField(
        _("transaction reference"), max_length=64, blank=True, db_index=True
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets", verbose_name=_("tags"))
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_tickets",
        verbose_name=_("merged into"),
    )
    follow_up_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    # Set by the submitting form or API client; the unique constraint makes a double submit
    # return the first ticket instead of creating a second.
    # NULL, not "", when absent: the partial unique constraint must ignore tickets without a key.
    idempotency_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # The FAQ article the customer read before asking ("still need help?"), by slug.
    faq_article = models.SlugField(
        _("FAQ article read first"), max_length=100, blank=True, db_default=""
    )

    # The incident (outage) this ticket is about: linked at creation when it matches an active
    # incident, or by staff. Points upwards by name only: the incidents app is above tickets.
    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("incident"),
        db_index=False,  # the ticket_incident index below leads with it
    )
    # Set when an agent escalates to the queue's lead; the lead's dashboard lists these.
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first agent reply"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The soonest due time of the running SLA timers (overdue ones included), NULL without one.
    # Written only by sla.engine; it makes "sort by next due" an index scan.
    sla_due_at = models.DateTimeField(_("next SLA deadline"), null=True, blank=True, editable=False)
    # When the texts were replaced and personal details emptied (privacy: retention of closed
    # tickets, or the requester's erasure); the skeleton stays for reports.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="ticket_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="ticket_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status="closed"),
                name="ticket_merged_is_closed",
            ),
        ]
        indexes = [
            # Staff queue, default order (most urgent, then oldest) of a queue's open tickets.
            models.Index(
                "queue",
                models.F("priority").desc(),
                "created_at",
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_open_queue_priority",
            ),
            # Staff queue sorted by last activity.
            models.Index(
                "queue",
                models.F("last_activity_at").desc(),
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_open_queue_activity",
            ),
            # Staff "unassigned" view.
            models.Index(
                "queue",
                models.F("priority").desc(),
                "created_at",
                condition=Q(status__in=OPEN_STATUSES, assignee__isnull=True),
                name="ticket_open_unassigned",
            ),
            # Staff "mine" view and the least-open assignment count.
            models.Index(
                "assignee",
                models.F("priority").desc(),
                "created_at",
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_open_assignee_priority",
            ),
            # The dashboard's open tickets per queue and status, counted from the index alone.
            models.Index(
                fields=["queue", "status"],
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_open_queue_status",
            ),
            # Any status of a queue by age (filters that include solved and closed tickets).
            models.Index(fields=["queue", "created_at"], name="ticket_queue_created"),
            # Used by "My requests" and the customer panel: a requester's tickets, latest first.
            models.Index(
                fields=["requester", "-last_activity_at"], name="ticket_requester_activity"
            ),
            # Used by the staff queue and "breaching soon", sorted by the next SLA deadline.
            models.Index(
                fields=["queue", "sla_due_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_open_queue_sla_due",
            ),
            # Queue views over several queues (queue IN ...), any status, and searches: read in
            # the page's order, filtered row by row, stopped when the page is full.
            models.Index(fields=["sla_due_at", "created_at", "id"], name="ticket_due"),
            models.Index(fields=["created_at", "id"], name="ticket_created"),
            models.Index(fields=["-priority", "created_at", "id"], name="ticket_priority"),
            models.Index(fields=["-last_activity_at", "-id"], name="ticket_activity"),
            # Used by "mine" sorted by the next SLA deadline.
            models.Index(
                fields=["assignee", "sla_due_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_open_assignee_sla_due",
            ),
            # Used by the beat sweeps that close resolved tickets and resolve stale pending ones.
            models.Index(fields=["status", "status_changed_at"], name="ticket_status_changed"),
            # An incident's tickets by status (its page's counts) and in id order (its jobs).
            models.Index(
                fields=["incident", "status", "id"],
                condition=Q(incident__isnull=False),
                name="ticket_incident",
            ),
            # The lead's escalations.
            models.Index(
                fields=["queue", "escalated_at"],
                condition=Q(escalated_at__isnull=False, status__in=OPEN_STATUSES),
                name="ticket_open_escalated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]
