from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CSATResponse(models.Model):
    """A customer's rating of the help they got: once per resolution of a ticket."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="ratings", verbose_name=_("ticket")
    )
    # Which resolution this rates: the ticket's reopen count when it was rated.
    cycle = models.PositiveSmallIntegerField(_("resolution"), default=0)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("rated"), default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "cycle"], name="csat_once_per_resolution"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="csat_score_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.ticket_id}"


class AnnouncementQuerySet(models.QuerySet):
    def current(self, now=None) -> "AnnouncementQuerySet":
        now = now or timezone.now()
        return self.filter(is_active=True, starts_at__lte=now).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


class Announcement(models.Model):
    """A banner on the help centre and ticket forms: maintenance, an incident, a known delay."""

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        CRITICAL = "critical", _("Critical")

    message_id = models.CharField(_("message (Bahasa Indonesia)"), max_length=300)
    message_en = models.CharField(_("message (English)"), max_length=300)
    message_zh_hans = models.CharField(_("message (简体中文)"), max_length=300)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.INFO
    )
    starts_at = models.DateTimeField(_("shown from"), default=timezone.now)
    ends_at = models.DateTimeField(
        _("shown until"), null=True, blank=True, help_text=_("Empty: until switched off.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="announcement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.message_en

    def message(self, language: str | None = None) -> str:
        language = (language or get_language() or "id").replace("-", "_")
        return getattr(self, f"message_{language}", "") or self.message_en
