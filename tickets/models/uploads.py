import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .messages import attachment_path


class PendingUpload(models.Model):
    """A file that passed the checks on a ticket form which came back with an error (a missing
    email, say): kept for that one form so the customer need not attach it again. It belongs to
    the form's idempotency key (its token and who sent it, portal.views.form_idempotency_key), so
    only that browser or user can claim it; claimed, it becomes an Attachment and this row goes.
    Unclaimed ones are deleted after tickets.pending_uploads.KEEP_FOR."""

    # The reference in the form's HTML; random, and useless without the form's key.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    form_key = models.CharField(_("form key"), max_length=64, db_index=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    removed_content = models.CharField(_("active content removed"), max_length=255, blank=True)
    # Kinds of secrets removed from the file's name, counted again when the file is claimed.
    found = models.JSONField(_("removed from the name"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")

    def __str__(self) -> str:
        return self.original_name
