from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Defaults (README "Personal data"). Files are the bulkiest and most sensitive part of a ticket
# (screenshots of cards, ID photos) and rarely needed once a dispute is over: 180 days after
# closing. Texts 5 years: the record-keeping period financial-sector rules ask of payment
# providers, after which the skeleton is enough for reports. Audit rows as long as the texts
# they account for.
ATTACHMENT_DAYS = 180
MESSAGE_YEARS = 5
AUDIT_YEARS = 5


class RetentionPolicy(models.Model):
    """How long personal data is kept: one row, edited in the Django admin, read by the daily
    retention task (privacy.retention)."""

    attachment_days = models.PositiveIntegerField(
        _("delete attachments after (days)"),
        default=ATTACHMENT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(36500)],
        help_text=_("Days after a ticket is closed; the thread then says the file was removed."),
    )
    message_years = models.PositiveSmallIntegerField(
        _("anonymise messages after (years)"),
        default=MESSAGE_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Years after a ticket is closed: subject, messages and personal details are "
            "replaced; category, queue, dates, status and SLA stay for reports."
        ),
    )
    audit_years = models.PositiveSmallIntegerField(
        _("keep audit rows for (years)"),
        default=AUDIT_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policy")
        constraints = [
            # One row: the id is always 1.
            models.CheckConstraint(condition=models.Q(id=1), name="retention_policy_one_row"),
        ]

    def __str__(self) -> str:
        return str(_("Retention policy"))

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "RetentionPolicy":
        """The row, or the defaults when no admin has saved one (nothing is written)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
