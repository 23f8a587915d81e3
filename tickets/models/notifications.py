"""The notification outbox, agents' notification preferences, inbound email (docs/design.md
section 7).

Code that writes and delivers these rows lives in notifications/.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One email to one recipient, written in the transaction of the change that caused it.

    A worker delivers it after commit. Delivery moves the row pending -> sending -> sent by
    compare-and-swap, so a row is sent at most once, and the unique idempotency key means one
    row per cause and recipient. The context holds ids and small facts (reference, subject,
    names), never message text or secrets: the email is rendered from the database when sent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # The mail server had the whole message when the worker died, before it answered:
        # probably delivered. Sent once more after NOTIFICATION_UNCONFIRMED_RESEND_SECONDS with
        # the same Message-ID (unconfirmed_resent_at); if that one dies too, left for a person.
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")

    class Audience(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")

    class Template(models.TextChoices):
        # To the customer
        TICKET_CREATED = "ticket_created", _("Request received")
        AGENT_REPLIED = "agent_replied", _("Agent replied")
        PENDING_CUSTOMER = "pending_customer", _("Waiting for the customer")
        TICKET_RESOLVED = "ticket_resolved", _("Resolved")
        ACCESS_LINK = "access_link", _("Link renewal")
        TICKET_MERGED = "ticket_merged", _("Merged")
        # To agents
        ASSIGNED = "assigned", _("Assigned to you")
        CUSTOMER_REPLIED = "customer_replied", _("New customer reply")
        MENTIONED = "mentioned", _("Mentioned in a note")
        SLA_WARNING = "sla_warning", _("SLA warning")
        SLA_BREACH = "sla_breach", _("SLA breach")
        SLA_ESCALATION = "sla_escalation", _("SLA escalation")
        LOW_RATING = "low_rating", _("Low rating to follow up")
        # About an account, not a ticket
        VERIFY_EMAIL = "verify_email", _("Confirm the email address")
        ACCOUNT_EXISTS = "account_exists", _("Account exists already")
        PASSWORD_RESET = "password_reset", _("Password reset")

    ACCOUNT_TEMPLATES = frozenset(
        {Template.VERIFY_EMAIL, Template.ACCOUNT_EXISTS, Template.PASSWORD_RESET}
    )

    AGENT_TEMPLATES = frozenset(
        {
            Template.ASSIGNED,
            Template.CUSTOMER_REPLIED,
            Template.MENTIONED,
            Template.SLA_WARNING,
            Template.SLA_BREACH,
            Template.SLA_ESCALATION,
            Template.LOW_RATING,
        }
    )

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    template = models.CharField(_("template"), max_length=30, choices=Template.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    # Every email but an account's is about a ticket (a constraint says so).
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("ticket"),
    )
    # The change that caused it, when it was a ticket event (SLA notices have none).
    event = models.ForeignKey(
        "tickets.TicketEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("caused by"),
    )
    recipient = models.EmailField(_("recipient"))
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recipient (agent)"),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    context = models.JSONField(_("context"), default=dict, blank=True)
    # RFC 5322 ids, fixed when the row is written so every attempt sends the same headers.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Not before this instant: now, a retry's backoff, or business hours for an SLA notice.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When a delivery task was last published for the row; the sweep publishes again when no
    # worker took it within NOTIFICATION_PICKUP_SECONDS of that (or of becoming due).
    enqueued_at = models.DateTimeField(_("enqueued"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed by a worker"), null=True, blank=True)
    # Set just before the last byte of the message goes to the SMTP server: from then on a dead
    # worker's claim may have been delivered, so it is not resent.
    handed_over_at = models.DateTimeField(_("handed to the mail server"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When the outbox sent an unconfirmed message once more (it may have arrived twice).
    unconfirmed_resent_at = models.DateTimeField(
        _("resent after an unconfirmed attempt"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "unconfirmed"]),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(ticket__isnull=False)
                | Q(template__in=["verify_email", "account_exists", "password_reset"]),
                name="notification_ticket_unless_account",
            ),
        ]
        indexes = [
            # Used by the outbox sweep: pending rows that became due and no worker took.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="notification_pending_due",
            ),
            # Used by the outbox sweep: unconfirmed messages whose second sending is due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="unconfirmed"),
                name="notification_unconfirmed_due",
            ),
            # Used by the staff dashboard: messages sent once more after an unconfirmed attempt.
            models.Index(
                fields=["unconfirmed_resent_at"],
                condition=Q(unconfirmed_resent_at__isnull=False),
                name="notification_resent",
            ),
            # Used by the outbox sweep: claims of workers that died while sending.
            models.Index(
                fields=["claimed_at"],
                condition=Q(status="sending"),
                name="notification_sending_claimed",
            ),
            # Used by the admin's list, newest first, and by its status filter.
            models.Index(fields=["-created_at", "-id"], name="notification_created"),
            models.Index(fields=["status", "-created_at"], name="notification_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_template_display()} to {self.recipient} ({self.get_status_display()})"

    @property
    def is_for_agent(self) -> bool:
        return self.audience == self.Audience.AGENT


class NotificationPreference(models.Model):
    """Which emails an agent wants. No row means everything on.

    SLA escalations cannot be muted: they are how an escalation ladder reaches its people.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("agent"),
    )
    assigned = models.BooleanField(_("a ticket is assigned to me"), default=True)
    customer_replied = models.BooleanField(_("a customer replies on my ticket"), default=True)
    mentioned = models.BooleanField(
        _("someone mentions me in an internal note"), default=True, db_default=True
    )
    sla_warning = models.BooleanField(_("an SLA deadline is near"), default=True)
    sla_breach = models.BooleanField(_("an SLA deadline is missed"), default=True)
    low_rating = models.BooleanField(
        _("a customer gives a low rating in a queue I lead"), default=True, db_default=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Template -> the field that can mute it.
    FIELDS = {
        Notification.Template.ASSIGNED: "assigned",
        Notification.Template.CUSTOMER_REPLIED: "customer_replied",
        Notification.Template.MENTIONED: "mentioned",
        Notification.Template.SLA_WARNING: "sla_warning",
        Notification.Template.SLA_BREACH: "sla_breach",
        Notification.Template.LOW_RATING: "low_rating",
    }

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, template: str) -> bool:
        field = self.FIELDS.get(template)
        return field is None or getattr(self, field)


class TicketCC(models.Model):
    """Someone the customer copied on an email about the ticket. Their emails thread into it
    like the requester's; outgoing emails still go to the requester only, because each carries
    the requester's signed link."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="ccs", verbose_name=_("ticket")
    )
    email = models.EmailField(_("email"))
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket CC")
        verbose_name_plural = _("ticket CCs")
        constraints = [
            models.UniqueConstraint("ticket", Lower("email"), name="ticket_cc_unique"),
        ]

    def __str__(self) -> str:
        return self.email


def quarantine_path(instance: "InboundEmail", filename: str) -> str:
    return f"quarantine/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.eml"


class InboundEmail(models.Model):
    """Every email that came in, once per Message-ID, and what became of it.

    Only a quarantined message keeps its raw bytes (a file outside the web root, for the admin's
    "process again" once the cause is fixed); it is deleted when the message is processed.
    """

    class Status(models.TextChoices):
        CREATED = "created", _("Opened a ticket")
        THREADED = "threaded", _("Added to a ticket")
        UNVERIFIED = "unverified", _("Kept for review (sender not verified)")
        IGNORED = "ignored", _("Ignored (automatic)")
        QUARANTINED = "quarantined", _("Quarantined")

    class Source(models.TextChoices):
        PIPE = "pipe", _("Mail server pipe")
        WEBHOOK = "webhook", _("Webhook")
        ADMIN = "admin", _("Processed again by an admin")

    # The email's Message-ID, or "sha256:<digest of the bytes>" when it has none.
    email_message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(_("outcome"), max_length=12, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    sender = models.CharField(_("from"), max_length=254, blank=True)
    recipient = models.CharField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True, help_text=_("Redacted."))
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_emails",
        verbose_name=_("ticket"),
    )
    message = models.ForeignKey(
        "tickets.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("message"),
    )
    raw = models.FileField(_("raw message"), upload_to=quarantine_path, blank=True, max_length=255)
    deliveries = models.PositiveIntegerField(_("times delivered"), default=1)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        ordering = ["-received_at", "-id"]
        indexes = [
            # Used by the admin's list, newest first, and its quarantine filter.
            models.Index(fields=["-received_at", "-id"], name="inbound_received"),
            models.Index(fields=["status", "-received_at"], name="inbound_status_received"),
        ]

    def __str__(self) -> str:
        return f"{self.email_message_id} ({self.get_status_display()})"
