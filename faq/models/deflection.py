from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Category as TicketCategory


class Deflection(models.Model):
    """One step of a customer's self-service journey from the ticket form (faq.deflection).

    Append-only events keyed by the visitor's anonymous id (faq.visitors): articles suggested
    while the subject was typed, a suggested article opened, "this solved my problem" pressed, or
    a ticket submitted anyway. A journey is one visitor and ticket category; the report counts
    journeys.
    """

    class Kind(models.TextChoices):
        SHOWN = "shown", _("Suggested")
        OPENED = "opened", _("Opened")
        SOLVED = "solved", _("Solved the problem")
        TICKET_SUBMITTED = "ticket_submitted", _("Ticket submitted anyway")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    session = models.CharField(_("session"), max_length=32)
    article = models.ForeignKey(
        "faq.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deflections",
        verbose_name=_("article"),
    )
    ticket_category = models.CharField(
        _("ticket category"), max_length=32, choices=TicketCategory.Code.choices, blank=True
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ticket"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("deflection event")
        verbose_name_plural = _("deflection events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Used by the deflection report: the events of a period.
            models.Index(fields=["created_at"], name="faq_deflection_created"),
            # Used by record_ticket_submitted: this session's recent suggestions.
            models.Index(fields=["session", "created_at"], name="faq_deflection_session"),
        ]
        constraints = [
            # Pressing "this solved my problem" twice (or in two tabs) counts once.
            models.UniqueConstraint(
                fields=["session", "article"],
                condition=Q(kind="solved"),
                name="faq_deflection_solved_once",
            ),
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(kind="ticket_submitted"),
                name="faq_deflection_ticket_once",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} ({self.ticket_category or '-'}, {self.created_at:%Y-%m-%d})"
        )
