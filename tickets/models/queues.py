from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import roles


class Queue(models.Model):
    """A team's inbox: payments, refunds, account & security, complaints, general."""

    class Assignment(models.TextChoices):
        MANUAL = "manual", _("Manual (agents claim)")
        ROUND_ROBIN = "round_robin", _("Round-robin")
        LEAST_OPEN = "least_open", _("Least open tickets")

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    email = models.EmailField(
        _("inbound address"),
        blank=True,
        help_text=_("Mail to this address opens tickets in this queue."),
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    assignment = models.CharField(
        _("assignment"), max_length=20, choices=Assignment.choices, default=Assignment.MANUAL
    )
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="QueueMembership",
        related_name="queues",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="queue_email_ci_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class QueueMembership(models.Model):
    """An agent's place in a queue; a lead also reassigns within it and receives its escalations."""

    queue = models.ForeignKey(
        Queue, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("queue")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="queue_memberships",
        verbose_name=_("agent"),
    )
    is_lead = models.BooleanField(_("lead"), default=False)
    # When this member last received an automatic assignment; round-robin picks the oldest.
    last_assigned_at = models.DateTimeField(_("last auto-assigned"), null=True, blank=True)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("queue membership")
        verbose_name_plural = _("queue memberships")
        constraints = [
            models.UniqueConstraint(fields=["queue", "user"], name="queue_membership_unique"),
        ]

    def __str__(self) -> str:
        role = _("lead") if self.is_lead else _("agent")
        return f"{self.user} ({role}) in {self.queue}"


def queue_ids_visible_to(user) -> list[int]:
    """The queues whose tickets this user may see as staff: every queue for an admin, their
    own for an agent or lead, none for anyone else (Ticket.objects.visible_to's rule). Read
    once per user object, like roles.role_names(): a search asks for them after visible_to()."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_visible_queue_ids", None)
    if cached is None:
        if roles.is_admin(user):
            cached = tuple(Queue.objects.values_list("pk", flat=True))
        elif roles.is_staff_member(user):
            cached = tuple(
                QueueMembership.objects.filter(user=user).values_list("queue_id", flat=True)
            )
        else:
            cached = ()
        user._visible_queue_ids = cached
    return list(cached)
