import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One entry of a ticket's thread: a public reply (customer or agent) or an internal note."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        INTERNAL = "internal", _("Internal note")

    class Author(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")

    class Source(models.TextChoices):
        WEB = "web", _("Web")
        EMAIL = "email", _("Email")
        API = "api", _("API")
        SYSTEM = "system", _("System")

    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("ticket"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PUBLIC)
    author_type = models.CharField(_("author type"), max_length=10, choices=Author.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author (user)"),
    )
    author_contact = models.ForeignKey(
        "tickets.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author (contact)"),
    )
    body = models.TextField(_("body"), help_text=_("Stored redacted; rendered escaped."))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # The RFC 5322 Message-ID of the email this came from or was sent as; threads replies and
    # makes a redelivered inbound email a no-op.
    email_message_id = models.CharField(  # noqa: DJ001 (NULL is "none"; unique only when set)
        max_length=255, null=True, blank=True, editable=False
    )
    # False for an email whose sender could not be verified (notifications/
    # authenticity.py): agents see it with a warning; it never speaks for the customer. The
    # database default serves bulk loads (COPY in generate_tickets) that name no value.
    sender_verified = models.BooleanField(_("sender verified"), default=True, db_default=True)
    # System notes only: the facts the note states (sla/notes.py), so each reader sees it in
    # their own language and time zone; `body` keeps the text in the site language for search
    # and for rows written before this field. NULL (not {}) so adding it rewrites no rows.
    data = models.JSONField(_("facts"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["email_message_id"],
                condition=Q(email_message_id__isnull=False),
                name="message_email_message_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind="public") | ~Q(author_type="customer"),
                name="message_customer_never_internal",
            ),
        ]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket_id} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_internal(self) -> bool:
        return self.kind == self.Kind.INTERNAL

    @property
    def author_name(self) -> str:
        if self.author_user_id:
            return str(self.author_user)
        if self.author_contact_id:
            return self.author_contact.name or self.author_contact.email
        return str(_("System"))


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name: the stored path says nothing about the ticket or the original file name.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file a customer or agent attached. Stored under MEDIA_ROOT (never served directly) and
    downloaded only through the permission-checked view."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("ticket"),
    )
    message = models.ForeignKey(
        Message,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
        verbose_name=_("message"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(
        _("content type"), max_length=100, help_text=_("Sniffed from the content, not the name.")
    )
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # What was taken out of a PDF before it was stored (JavaScript, an open action...), in
    # words for the agent's warning; empty for a file that had nothing active (tickets/pdfs.py).
    removed_content = models.CharField(_("active content removed"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    # The file was deleted from storage (privacy: retention or erasure); the row stays so the
    # thread can say so. The database default serves bulk loads that name no value.
    removed_at = models.DateTimeField(_("file removed"), null=True, blank=True, editable=False)
    removed_by = models.CharField(
        _("removed by"),
        max_length=10,
        choices=[("retention", _("Retention")), ("erasure", _("Erasure"))],
        blank=True,
        db_default="",
        default="",
        editable=False,
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
