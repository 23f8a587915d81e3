"""The audit log: one row per read, search, download, export or erasure by staff.

Rows are never changed: on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0001),
except a DELETE by the retention purge (services.purge_older_than). Everything about the actor
and the object is also kept as text, so a row still says who read what after the ticket, the
customer or the attachment it names is gone.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        TICKET_VIEW = "ticket_view", _("Ticket viewed")
        CUSTOMER_VIEW = "customer_view", _("Customer viewed")
        ATTACHMENT_DOWNLOAD = "attachment_download", _("Attachment downloaded")
        SEARCH = "search", _("Search")
        EXPORT = "export", _("Export")
        ERASURE = "erasure", _("Erasure")
        API_READ = "api_read", _("API read")
        AUDIT_EXPORT = "audit_export", _("Audit log exported")

    at = models.DateTimeField(_("when"), db_default=Now(), editable=False)
    # PROTECT: a staff account with audit rows is deactivated, never deleted (and the trigger
    # would refuse the SET NULL anyway).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_email = models.CharField(_("actor's email"), max_length=254, blank=True)
    actor_role = models.CharField(_("actor's role"), max_length=20, blank=True)
    api_key = models.CharField(
        _("API key"), max_length=20, blank=True, help_text=_("The key's prefix, for API calls.")
    )
    # Free text rather than a database choice: new kinds need no migration.
    kind = models.CharField(_("what"), max_length=32, choices=Kind.choices)
    ticket_reference = models.CharField(_("ticket"), max_length=20, blank=True)
    customer_id = models.CharField(_("customer (contact id)"), max_length=32, blank=True)
    attachment_id = models.CharField(_("attachment id"), max_length=32, blank=True)
    count = models.PositiveIntegerField(
        _("objects"), null=True, blank=True, help_text=_("How many rows a list or search showed.")
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            # The retention purge deletes the oldest rows first; the admin's date filters.
            models.Index(fields=["at"], name="audit_at"),
            # "Who read this ticket / this customer's data" (the admin's search, the privacy
            # export); partial, since most rows name only one of them.
            models.Index(
                fields=["ticket_reference", "at"],
                name="audit_ticket",
                condition=~models.Q(ticket_reference=""),
            ),
            models.Index(
                fields=["customer_id", "at"],
                name="audit_customer",
                condition=~models.Q(customer_id=""),
            ),
        ]

    def __str__(self) -> str:
        target = self.ticket_reference or self.customer_id or self.detail[:40]
        return f"{self.actor_email or '-'} {self.kind} {target}"
