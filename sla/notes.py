"""The SLA engine's system notes and audit events, stored as facts and put into words for each
reader: an escalation note reads in the language and time zone of whoever opens the ticket, not
in the site's language at sweep time (issue 17). `Message.data` and `TicketEvent.data` hold the
facts; `Message.body` keeps the site-language text for search and for rows written before.
"""

import contextlib
import functools
from datetime import datetime, tzinfo
from typing import Any, NamedTuple

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tickets.models import EscalationStep, Message, SLATimer, TicketEvent
from tickets.models.sla import Metric
from tickets.models.tickets import Priority

ESCALATION = "sla_escalation"


def escalation_facts(
    timer: SLATimer,
    step: EscalationStep,
    *,
    level: int,
    steps: int,
    recipients: list[str],
    business_hours: bool,
) -> dict[str, Any]:
    return {
        "note": ESCALATION,
        "level": level,
        "steps": steps,
        "metric": timer.metric,
        "minutes": timer.target_minutes,
        "business_hours": business_hours,
        "due_at": timer.due_at.isoformat(),
        "recipients": recipients,
        "notify": step.notify,
        "set_priority": step.set_priority,
        "queue": str(step.move_to_queue) if step.move_to_queue_id else "",
    }


def when(value: datetime, tz: tzinfo | None = None) -> str:
    """An instant as the reader's date format, in `tz` (else the active zone), with the zone's
    abbreviation: "2 Dec 2026, 10:19 WIB"."""
    local = timezone.localtime(value, tz or timezone.get_current_timezone())
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.strftime('%Z')}".strip()


def escalation_text(facts: dict[str, Any], *, tz: tzinfo | None = None) -> str:
    """The note in the active language, its due time in `tz` (else the active time zone)."""
    phrases = step_phrases(
        get_language() or "",
        facts["metric"],
        bool(facts.get("business_hours")),
        facts.get("notify") or EscalationStep.Notify.ASSIGNEE,
        facts.get("set_priority"),
        facts.get("queue") or "",
    )
    due = datetime.fromisoformat(facts["due_at"])
    lines = [
        phrases.head
        % {
            "level": facts["level"],
            "steps": facts["steps"],
            "metric": phrases.metric,
            "minutes": facts["minutes"],
            "clock": phrases.clock,
            "due": when(due, tz),
        },
        phrases.notify
        % {"who": phrases.who, "names": ", ".join(facts.get("recipients") or ()) or phrases.nobody},
        *phrases.actions,
    ]
    return "\n".join(lines)


def message_text(message: Message) -> str:
    """What a message says to the reader: a system note from its facts in the reader's language
    and time zone; anything else (and notes written before facts were kept) as stored."""
    data = message.data
    if message.author_type == Message.Author.SYSTEM and data and data.get("note") == ESCALATION:
        try:
            return escalation_text(data)
        except (KeyError, TypeError, ValueError):
            return message.body  # facts of an unexpected shape: the stored text still reads
    return message.body


class Phrases(NamedTuple):
    head: str
    metric: str
    clock: str
    notify: str
    who: str
    nobody: str
    actions: tuple[str, ...]
    step: str


@functools.lru_cache(maxsize=512)
def step_phrases(
    language: str,
    metric: str,
    business_hours: bool,
    notify: str,
    set_priority: int | None,
    queue: str,
) -> Phrases:
    """The translated words of a step's note and event, worked out once per language and kind
    of step: a sweep may write ten thousand notes, a page show fifty events."""
    who = str(EscalationStep.Notify(notify).label).lower()
    actions = []
    describe = [str(_("notify %(who)s") % {"who": who})]
    if set_priority:
        priority = Priority(set_priority).label
        actions.append(_("Raising the priority to %(priority)s.") % {"priority": priority})
        describe.append(str(_("raise priority to %(p)s") % {"p": priority}))
    if queue:
        actions.append(_("Moving the ticket to %(queue)s.") % {"queue": queue})
        describe.append(str(_("move to %(queue)s") % {"queue": queue}))
    return Phrases(
        head=_(
            "SLA escalation, step %(level)s of %(steps)s: the %(metric)s target of %(minutes)s "
            "minutes (%(clock)s) ran out at %(due)s."
        ),
        metric=str(Metric(metric).label).lower() if metric in Metric.values else metric,
        clock=_("business hours") if business_hours else _("around the clock"),
        notify=_("Notifying %(who)s: %(names)s."),
        who=who,
        nobody=_("nobody is set up to receive it"),
        actions=tuple(actions),
        step=", ".join(describe),
    )


# The SLA events' `new_value` codes (sla/audit.py), in words.
def _sla_outcomes() -> dict[str, str]:
    return {
        "warning": _("warning sent"),
        "breached": _("target missed"),
        "re-evaluated": _("deadline recalculated"),
        "cancelled": _("stopped"),
    }


def event_text(event: TicketEvent) -> str | None:
    """An SLA or escalation event of the engine in the reader's words, or None for any other
    (the caller shows its stored values)."""
    data = event.data or {}
    if event.kind == TicketEvent.Kind.SLA and event.field in Metric.values:
        outcome = _sla_outcomes().get(event.new_value)
        if outcome is None:
            return None
        text = f"{Metric(event.field).label}: {outcome}"
        due = data.get("due_at") or (data.get("after") or {}).get("due_at")
        if due and event.new_value != "cancelled":
            with contextlib.suppress(ValueError):  # a malformed value: the outcome alone
                text += " · " + _("due %(when)s") % {"when": when(datetime.fromisoformat(due))}
        return text
    if (
        event.kind == TicketEvent.Kind.ESCALATED
        and event.actor_type == TicketEvent.Actor.SYSTEM
        and "level" in data
        and data.get("notify") in EscalationStep.Notify.values
    ):
        phrases = step_phrases(
            get_language() or "",
            data.get("metric") or "",
            False,
            data["notify"],
            data.get("set_priority"),
            data.get("queue_name") or "",
        )
        return _("SLA step %(level)s: %(step)s") % {"level": data["level"], "step": phrases.step}
    return None
