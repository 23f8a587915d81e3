from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TicketEvent(models.Model):
    """The append-only audit trail of a ticket: who changed what, when, from what to what.

    Rows are written by the services, never edited: save() refuses an update.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        PRIORITY = "priority", _("Priority changed")
        CATEGORY = "category", _("Category changed")
        QUEUE = "queue", _("Queue changed")
        ASSIGNEE = "assignee", _("Assignee changed")
        TAGS = "tags", _("Tags changed")
        REPLIED = "replied", _("Public reply")
        NOTE = "note", _("Internal note")
        CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
        REDACTED = "redacted", _("Sensitive data removed")
        MERGED = "merged", _("Merged into another ticket")
        MERGED_FROM = "merged_from", _("Another ticket merged in")
        ESCALATED = "escalated", _("Escalated")
        LINK_SENT = "link_sent", _("Access link sent")
        CSAT = "csat", _("Rated")
        SLA = "sla", _("SLA")
        UNVERIFIED_EMAIL = "unverified_email", _("Unverified email kept for review")
        INCIDENT = "incident", _("Incident")

    class Actor(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor_type = models.CharField(_("actor type"), max_length=10, choices=Actor.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by user"),
    )
    actor_contact = models.ForeignKey(
        "tickets.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by contact"),
    )
    field = models.CharField(_("field"), max_length=50, blank=True)
    old_value = models.CharField(_("from"), max_length=255, blank=True)
    new_value = models.CharField(_("to"), max_length=255, blank=True)
    # Extra facts (redaction kinds and counts, merge target...). Never a redacted value.
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Ticket events are append-only.")
        super().save(*args, **kwargs)

    @property
    def actor_name(self) -> str:
        if self.actor_user_id:
            return str(self.actor_user)
        if self.actor_contact_id:
            return str(self.actor_contact)
        return str(_("System"))
