"""The audit events and internal notes the SLA engine writes, in one shape wherever they come from
(a reaction or the sweep).

They are built unsaved and written with bulk_create, not through services.record_event(): they
are the engine's output, not ticket changes to react to (a reaction writing through record_event
would react to itself), and the sweep writes thousands at a time. Notifications hang off the
named functions in notify.py, never off these events.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tickets.models import EscalationStep, Message, SLATimer, TicketEvent

from . import notes
from .notify import Notice

WARNING = "warning"
BREACHED = "breached"
REEVALUATED = "re-evaluated"
CANCELLED = "cancelled"


def _event(
    timer: SLATimer,
    *,
    kind: str = TicketEvent.Kind.SLA,
    what: str,
    at: datetime,
    old: str = "",
    data: dict[str, Any],
) -> TicketEvent:
    return TicketEvent(
        ticket_id=timer.ticket_id,
        kind=kind,
        actor_type=TicketEvent.Actor.SYSTEM,
        field=timer.metric,
        old_value=old[:255],
        new_value=what[:255],
        data={"timer": timer.pk, "metric": timer.metric, "cycle": timer.cycle, **data},
        created_at=at,
    )


def warning_event(timer: SLATimer, *, level: str, at: datetime, notice: Notice) -> TicketEvent:
    return _event(
        timer,
        what=WARNING,
        at=at,
        data={"level": level, "due_at": timer.due_at.isoformat(), **notice.as_data()},
    )


def breach_event(timer: SLATimer, *, at: datetime, reason: str, notice: Notice) -> TicketEvent:
    return _event(
        timer,
        what=BREACHED,
        at=at,
        data={
            "due_at": timer.due_at.isoformat(),
            "target_minutes": timer.target_minutes,
            "reason": reason,
            **notice.as_data(),
        },
    )


def reevaluated_event(
    timer: SLATimer, *, at: datetime, why: str, before: dict[str, Any]
) -> TicketEvent:
    after = {
        "policy": timer.policy_id,
        "target_minutes": timer.target_minutes,
        "business_hours": timer.calendar_id is not None,
        "due_at": timer.due_at.isoformat() if timer.due_at else None,
    }
    return _event(
        timer,
        what=REEVALUATED,
        old=str(before.get("due_at") or ""),
        at=at,
        data={"why": why, "before": before, "after": after, "elapsed": timer.elapsed_seconds},
    )


def cancelled_event(timer: SLATimer, *, at: datetime, why: str) -> TicketEvent:
    return _event(timer, what=CANCELLED, at=at, data={"why": why})


def escalation_note(
    timer: SLATimer,
    step: EscalationStep,
    *,
    level: int,
    steps: int,
    recipients: list[str],
    at: datetime,
    tz: ZoneInfo | None = None,
) -> Message:
    """The system's internal note on the ticket for one escalation step. Its facts are kept in
    `data` and put into words for each reader (notes.message_text); `body` is the text in the
    site's language with times in the calendar's zone, `tz` (None: a target counted around the
    clock), for search."""
    facts = notes.escalation_facts(
        timer, step, level=level, steps=steps, recipients=recipients, business_hours=tz is not None
    )
    return Message(
        ticket_id=timer.ticket_id,
        kind=Message.Kind.INTERNAL,
        author_type=Message.Author.SYSTEM,
        body=notes.escalation_text(facts, tz=tz or timezone.get_default_timezone()),
        data=facts,
        source=Message.Source.SYSTEM,
        created_at=at,
    )


def _phrases_for(timer: SLATimer, step: EscalationStep) -> notes.Phrases:
    return notes.step_phrases(
        get_language() or "",
        timer.metric,
        timer.calendar_id is not None,
        step.notify,
        step.set_priority,
        str(step.move_to_queue) if step.move_to_queue_id else "",
    )


def escalation_event(
    timer: SLATimer,
    step: EscalationStep,
    *,
    level: int,
    note: Message,
    at: datetime,
    notice: Notice,
) -> TicketEvent:
    return _event(
        timer,
        kind=TicketEvent.Kind.ESCALATED,
        what=_("SLA step %(level)s: %(step)s")
        % {"level": level, "step": _phrases_for(timer, step).step},
        at=at,
        data={
            "step": step.pk,
            "level": level,
            "after_minutes": step.after_minutes,
            "message": note.pk,
            "set_priority": step.set_priority,
            "move_to_queue": step.move_to_queue_id,
            # What notes.event_text needs to say the step in the reader's language.
            "notify": step.notify,
            "queue_name": str(step.move_to_queue) if step.move_to_queue_id else "",
            **notice.as_data(),
        },
    )
