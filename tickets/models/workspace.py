from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tickets import Ticket


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


class MacroQuerySet(models.QuerySet):
    def for_ticket(self, ticket) -> "MacroQuerySet":
        """Active macros usable on this ticket: of every queue or of its own, for its language or
        for any, those of its language first."""
        return (
            self.filter(is_active=True)
            .filter(Q(queue__isnull=True) | Q(queue_id=ticket.queue_id))
            .filter(Q(language="") | Q(language=ticket.language))
            .select_related("set_queue", "assignee")
            .order_by(
                models.Case(
                    models.When(language=ticket.language, then=0),
                    default=1,
                    output_field=models.IntegerField(),
                ),
                "title",
            )
        )


class Macro(models.Model):
    """One click that answers and sets fields: an optional reply (placeholders as in canned
    responses) and changes of status, priority, queue, assignee and tags. Empty means keep."""

    class ReplyKind(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        INTERNAL = "internal", _("Internal note")

    class Assign(models.TextChoices):
        KEEP = "", _("keep")
        ME = "me", _("the agent who applies it")
        NOBODY = "nobody", _("nobody")
        AGENT = "agent", _("a chosen agent")

    title = models.CharField(_("title"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    queue = models.ForeignKey(
        "tickets.Queue",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        verbose_name=_("queue"),
        help_text=_("Empty: offered in every queue."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: offered for tickets in any language."),
    )
    reply_body = models.TextField(
        _("reply"),
        blank=True,
        help_text=_(
            "Optional. Placeholders: {customer_name}, {reference}, {agent_name}, {subject}."
        ),
    )
    reply_kind = models.CharField(
        _("reply kind"), max_length=10, choices=ReplyKind.choices, default=ReplyKind.PUBLIC
    )
    set_status = models.CharField(
        _("set status"), max_length=20, blank=True, choices=Ticket.Status.choices
    )
    set_priority = models.PositiveSmallIntegerField(
        _("set priority"), null=True, blank=True, choices=Ticket.Priority.choices
    )
    set_queue = models.ForeignKey(
        "tickets.Queue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("move to queue"),
    )
    assign = models.CharField(
        _("assign to"), max_length=10, blank=True, choices=Assign.choices, default=Assign.KEEP
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("chosen agent"),
        help_text=_('Used when "assign to" is "a chosen agent".'),
    )
    add_tags = models.CharField(
        _("add tags"), max_length=200, blank=True, help_text=_("Space-separated.")
    )
    remove_tags = models.CharField(
        _("remove tags"), max_length=200, blank=True, help_text=_("Space-separated.")
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

    objects = MacroQuerySet.as_manager()

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(assign="agent") | Q(assignee__isnull=False),
                name="macro_chosen_agent_given",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def tag_names(text: str) -> list[str]:
        return [name for name in text.replace(",", " ").split() if name]
