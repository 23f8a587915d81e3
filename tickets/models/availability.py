from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AwayHandover(models.Model):
    """What an agent's going away did to their open tickets, kept so that they can undo it
    exactly (tickets.assignment.undo_away): each ticket moved, to whom, and the assignee event
    that moved it. A later assignee event on a ticket means someone changed it since: that one
    is not taken back."""

    class Choice(models.TextChoices):
        KEEP = "keep", _("Keep them")
        UNASSIGN = "unassign", _("Hand them back to the queue")
        REASSIGN = "reassign", _("Reassign them by the queue's rule")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="away_handovers"
    )
    choice = models.CharField(max_length=10, choices=Choice.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # [{"ticket": id, "to": user id or None, "event": the TicketEvent id of the move}]
    moves = models.JSONField(default=list, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("away handover")
        verbose_name_plural = _("away handovers")
        indexes = [
            # The agent's latest handover, read by the undo.
            models.Index(fields=["agent", "-created_at"], name="away_handover_agent_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.choice} {self.created_at:%Y-%m-%d %H:%M}"
