from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CannedResponseQuerySet(models.QuerySet):
    def for_ticket(self, ticket) -> "CannedResponseQuerySet":
        """Active answers usable on this ticket: global or of its queue, in its language first."""
        return (
            self.filter(is_active=True)
            .filter(Q(queue__isnull=True) | Q(queue_id=ticket.queue_id))
            .order_by(
                models.Case(
                    models.When(language=ticket.language, then=0),
                    default=1,
                    output_field=models.IntegerField(),
                ),
                "title",
            )
        )


class CannedResponse(models.Model):
    """A ready answer agents insert and adapt. Placeholders, filled in when inserted:
    {customer_name}, {reference}, {agent_name}, {subject}."""

    PLACEHOLDERS = ("customer_name", "reference", "agent_name", "subject")

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"),
        help_text=_("Placeholders: {customer_name}, {reference}, {agent_name}, {subject}."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    queue = models.ForeignKey(
        "tickets.Queue",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="canned_responses",
        verbose_name=_("queue"),
        help_text=_("Empty: offered in every queue."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CannedResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class SavedView(models.Model):
    """An agent's named queue filter, shown in their sidebar."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=60)
    # The queue page's query string (filters and sort), validated when used.
    query = models.CharField(_("filters"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name
