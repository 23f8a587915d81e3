from datetime import timedelta

from django import template
from django.utils import timezone

from tickets import assignment
from tickets.models import AwayHandover

register = template.Library()


@register.inclusion_tag("staff/_away_undo.html", takes_context=True)
def away_undo_offer(context) -> dict:
    """Once, on the page after going away: what happened to the agent's tickets, and Undo."""
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return {}
    handover_id = request.session.pop("away_undo_offer", None)
    if handover_id is None:
        return {}
    handover = AwayHandover.objects.filter(
        pk=handover_id,
        agent=request.user,
        undone_at__isnull=True,
        created_at__gte=timezone.now() - timedelta(minutes=assignment.UNDO_MINUTES),
    ).first()
    if handover is None:
        return {}
    to_colleagues = sum(1 for move in handover.moves if move["to"] is not None)
    return {
        "handover": handover,
        "to_colleagues": to_colleagues,
        "to_queue": len(handover.moves) - to_colleagues,
        "minutes": assignment.UNDO_MINUTES,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
