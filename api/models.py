"""API keys, idempotent creation, and outbound webhooks (docs/design.md section 9; README "API")."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "hd_"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def usable(self) -> "ApiKeyQuerySet":
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiKey(models.Model):
    """A token for an integration or a staff script, acting as its owner with some scopes.

    Only the SHA-256 of the key is stored; the key itself is shown once, when it is created in
    the admin. The first characters (`prefix`) are kept in clear to find the row and to tell
    keys apart in the admin and in logs.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read (GET)")
        WRITE = "write", _("Write (POST, PATCH)")

    name = models.CharField(_("name"), max_length=100, help_text=_("What uses it."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("acts as"),
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(_("SHA-256 of the key"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def generate(cls) -> tuple[str, str]:
        """A new raw key and its lookup prefix: hd_<8 chars>_<secret>."""
        prefix = KEY_PREFIX + secrets.token_hex(4)
        return f"{prefix}_{secrets.token_urlsafe(32)}", prefix

    def set_key(self, raw: str, prefix: str) -> None:
        self.prefix = prefix
        self.hashed_key = hash_key(raw)

    def matches(self, raw: str) -> bool:
        return secrets.compare_digest(self.hashed_key, hash_key(raw))

    def allows(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class IdempotentRequest(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed to its retries.

    One row per (principal, key): the unique constraint is what makes two concurrent retries
    create one ticket (the second insert waits for the first transaction, then fails and
    replays). `request_hash` tells a retry from a different request reusing the key.
    """

    principal = models.CharField(max_length=200)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotent_request_unique")
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """An integrator's URL told about ticket and incident changes, signed with its own secret."""

    class Event(models.TextChoices):
        CREATED = "ticket.created", _("Ticket created")
        UPDATED = "ticket.updated", _("Ticket updated")
        RESOLVED = "ticket.resolved", _("Ticket resolved")
        INCIDENT_CREATED = "incident.created", _("Incident declared")
        INCIDENT_UPDATED = "incident.updated", _("Incident updated")
        INCIDENT_RESOLVED = "incident.resolved", _("Incident resolved")

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_webhook_secret,
        help_text=_("HMAC-SHA256 key of the X-Helpdesk-Signature header."),
    )
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event to one endpoint: written in the transaction of the ticket or incident change
    (the outbox pattern of notifications), delivered after commit, retried with backoff. A
    ticket event names its ticket, an incident event its incident."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event = models.CharField(_("event"), max_length=30, choices=WebhookEndpoint.Event.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ticket"),
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("incident"),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("enqueued"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Used by the webhook sweep: pending rows that became due and no worker took.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_pending_due",
            ),
            # Used by the admin's delivery log, newest first.
            models.Index(fields=["-created_at", "-id"], name="webhook_delivery_created"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint} ({self.get_status_display()})"
