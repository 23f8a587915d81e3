"""Who hears about an SLA warning, breach or escalation step, and from when: one function per
step, the single place where a notification for it is sent.

Business-hours targets wait for business hours (a breach at 21:00 is told at 08:00 the next
working day); 24/7 targets are told at once. Each function works out the Notice (the caller
records it in the step's audit event) and writes it to the notification outbox in the same
transaction as the step: one Notification per recipient (and, for warnings and breaches, one
in-app notice, inbox.reactions.notify_sla), not sent before `notify_after`, with the
once-only key f"{notice.key}:{user_id}" (a step run twice notifies once).
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from inbox import reactions as inbox
from notifications import reactions as notifications
from tickets import roles
from tickets.models import EscalationStep, QueueMembership, SLATimer, Ticket, User

from .business_time import Clock
from .calendars import waits_for_business_hours

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """A notification to send: to whom, not before when, and its once-only key."""

    key: str
    recipients: tuple[int, ...]
    notify_after: datetime

    def as_data(self) -> dict[str, Any]:
        return {"notify_after": self.notify_after.isoformat(), "recipients": list(self.recipients)}


class Recipients:
    """Who to tell, read once per operation (a sweep may tell thousands about the same queues)."""

    def __init__(self) -> None:
        self._leads: dict[int, tuple[int, ...]] = {}
        self._admins: tuple[int, ...] | None = None

    def assignee_or_leads(self, ticket: Ticket) -> tuple[int, ...]:
        return (ticket.assignee_id,) if ticket.assignee_id else self.queue_leads(ticket.queue_id)

    def queue_leads(self, queue_id: int) -> tuple[int, ...]:
        if queue_id not in self._leads:
            self._leads[queue_id] = tuple(
                QueueMembership.objects.filter(
                    queue_id=queue_id, is_lead=True, user__is_active=True
                )
                .order_by("user_id")
                .values_list("user_id", flat=True)
            )
        return self._leads[queue_id]

    def admins(self) -> tuple[int, ...]:
        if self._admins is None:
            self._admins = tuple(
                User.objects.filter(
                    Q(groups__name=roles.ADMIN) | Q(is_superuser=True), is_active=True
                )
                .order_by("pk")
                .values_list("pk", flat=True)
                .distinct()
            )
        return self._admins

    def for_step(self, step: EscalationStep, ticket: Ticket) -> tuple[int, ...]:
        if step.notify == EscalationStep.Notify.QUEUE_LEADS:
            return self.queue_leads(ticket.queue_id)
        if step.notify == EscalationStep.Notify.ADMINS:
            return self.admins()
        return self.assignee_or_leads(ticket)


def notify_after(clock: Clock, now: datetime) -> datetime:
    """Now for 24/7 targets and during business hours; else the calendar's next opening."""
    return clock.next_open(now) if waits_for_business_hours(clock) else now


def notify_warning(
    timer: SLATimer,
    *,
    level: str,
    now: datetime,
    clock: Clock,
    recipients: Recipients,
) -> Notice:
    notice = Notice(
        key=f"sla:{timer.pk}:warning:{level}",
        recipients=recipients.assignee_or_leads(timer.ticket),
        notify_after=notify_after(clock, now),
    )
    logger.info("SLA warning for %s (%s): %s", timer.ticket.reference, timer.metric, notice)
    _send(notice, timer, kind="warning", level=level)
    return notice


def notify_breach(
    timer: SLATimer, *, now: datetime, clock: Clock, recipients: Recipients
) -> Notice:
    notice = Notice(
        key=f"sla:{timer.pk}:breach",
        recipients=recipients.assignee_or_leads(timer.ticket),
        notify_after=notify_after(clock, now),
    )
    logger.info("SLA breach of %s (%s): %s", timer.ticket.reference, timer.metric, notice)
    _send(notice, timer, kind="breach")
    return notice


def notify_escalation(
    timer: SLATimer,
    step: EscalationStep,
    *,
    level: int,
    now: datetime,
    clock: Clock,
    recipients: Recipients,
    send: bool = True,
) -> Notice:
    """send=False: the step's people were just told by the breach email (the audit still
    names them)."""
    notice = Notice(
        key=f"sla:{timer.pk}:escalation:{level}",
        recipients=recipients.for_step(step, timer.ticket),
        notify_after=notify_after(clock, now),
    )
    logger.info(
        "SLA escalation step %s of %s (%s): %s", level, timer.ticket.reference, timer.metric, notice
    )
    if send:
        _send(notice, timer, kind="escalation", level=level)
    return notice


def _send(notice: Notice, timer: SLATimer, *, kind: str, level: str | int = "") -> None:
    notifications.notify_sla(
        ticket=timer.ticket,
        kind=kind,
        key=notice.key,
        recipients=notice.recipients,
        not_before=notice.notify_after,
        metric=timer.metric,
        due_at=timer.due_at,
        level=level,
    )
    # The bell of the same people (warnings and breaches only), whatever emails they muted.
    inbox.notify_sla(
        ticket=timer.ticket,
        kind=kind,
        key=notice.key,
        recipients=notice.recipients,
        metric=timer.metric,
        level=level,
    )
