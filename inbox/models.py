from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class StaffNotification(models.Model):
    """One thing to tell one staff member in the workspace: a ticket given to them, a mention
    in a note, a customer's reply on their ticket, an SLA deadline near or missed, a low
    rating to follow up.

    Written in the transaction of its cause (like the email outbox), so it exists exactly when
    the cause does. `data` holds small facts the line needs (an SLA metric, a warning's
    level), never message text: the ticket's reference and subject are read through the
    ticket when shown.
    """

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to you")
        MENTIONED = "mentioned", _("Mentioned you")
        CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
        SLA_WARNING = "sla_warning", _("SLA deadline near")
        SLA_BREACH = "sla_breach", _("SLA deadline missed")
        LOW_RATING = "low_rating", _("Low rating to follow up")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket")
    )
    # The change that caused it (SLA notices have none).
    event = models.ForeignKey(
        "tickets.TicketEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("caused by"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    # Once per cause and recipient: "event:<id>:<kind>:<user id>" or the SLA step's key
    # ("sla:<timer id>:breach:<user id>"), so a step run twice tells once.
    key = models.CharField(_("key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("in-app notification")
        verbose_name_plural = _("in-app notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Used by the bell's unread count (recipient, read_at IS NULL) on every staff page
            # and by the notification centre's list, newest first.
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="inbox_recipient_read"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_id} on {self.ticket_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def summary(self) -> str:
        """One short line in the active language, e.g. "Budi mentioned you on GP-7K3M9Q"."""
        reference = self.ticket.reference
        who = self.actor.get_short_name() if self.actor_id and self.actor else ""
        metric = METRICS.get(self.data.get("metric", ""), "")
        facts = {"reference": reference, "who": who, "metric": metric}
        if self.kind == self.Kind.ASSIGNED:
            if who:
                return gettext("%(who)s assigned %(reference)s to you") % facts
            return gettext("%(reference)s was assigned to you") % facts
        if self.kind == self.Kind.MENTIONED:
            return gettext("%(who)s mentioned you on %(reference)s") % facts
        if self.kind == self.Kind.CUSTOMER_REPLIED:
            return gettext("The customer replied on %(reference)s") % facts
        if self.kind == self.Kind.LOW_RATING:
            facts["score"] = self.data.get("score", "")
            return gettext("%(reference)s was rated %(score)s out of 5: please follow up") % facts
        if self.kind == self.Kind.SLA_WARNING:
            if metric:
                return gettext("%(reference)s: %(metric)s deadline is near") % facts
            return gettext("%(reference)s: an SLA deadline is near") % facts
        if metric:
            return gettext("%(reference)s: %(metric)s deadline missed") % facts
        return gettext("%(reference)s: an SLA deadline was missed") % facts


METRICS = {
    "first_response": _("first response"),
    "next_response": _("next response"),
    "resolution": _("resolution"),
}
