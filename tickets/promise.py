"""When a customer will hear from us, from the ticket's own first-response SLA timer: the one
place the confirmation page, the ticket page and the receipt email read it from (issue 18).

The due time is the timer's (its policy's target counted on its business calendar), shown in
that calendar's time zone, so "by Monday 10:00 WIB" is the instant the SLA engine will call a
breach. What we say happens when we are late is only what the system does: the staff queue's
default order is the next SLA deadline first (staff/queue.py), so an overdue request heads its
team's list; a breach tells the assignee, or the queue's leads while nobody has it
(sla/notify.py), and the policy's escalation ladder may tell the leads later. Without a running
timer (no policy, a calendar without working hours, a paused timer) we promise no time at all.

Lives in the ticket domain because the receipt email (notifications) reads it as well as the
portal, and both sit above this layer (.importlinter).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import EscalationStep, QueueMembership, SLATimer, Ticket

FIRST_RESPONSE = SLATimer.Metric.FIRST_RESPONSE


class Kind:
    DUE = "due"  # a running timer: "We will answer by ..."
    LATE = "late"  # its due time has passed without an answer
    NO_TIME = "no_time"  # no running timer: an honest promise without a time
    ANSWERED = "answered"  # we answered: the status says what comes next
    FINISHED = "finished"  # solved, closed or merged: nothing to promise


@dataclass(frozen=True)
class Promise:
    kind: str
    due_at: datetime | None = None
    # The due time in words, in the calendar's zone ("Monday 7 Dec, 10:00 WIB").
    when: str = ""
    # What we say, in the active language; empty when there is nothing to promise.
    text: str = ""
    if_late: str = ""

    @property
    def is_late(self) -> bool:
        return self.kind == Kind.LATE

    def as_html(self) -> SafeString:
        """The text, escaped, with its due time marked up as a <time> in bold."""
        text = conditional_escape(self.text)
        if not self.when:
            return text
        marked = format_html(
            '<strong><time datetime="{}">{}</time></strong>', self.due_at.isoformat(), self.when
        )
        # Both parts are escaped above.
        return mark_safe(text.replace(conditional_escape(self.when), marked, 1))


def first_response_timer(ticket: Ticket) -> SLATimer | None:
    """The ticket's latest first-response timer (one per ticket in practice), with what the
    wording needs."""
    return (
        SLATimer.objects.filter(ticket=ticket, metric=FIRST_RESPONSE)
        .select_related("calendar", "policy__calendar")
        .order_by("-cycle")
        .first()
    )


def time_zone_of(timer: SLATimer) -> tzinfo:
    """The zone the target is kept in: its calendar's, or for an around-the-clock target the
    policy's calendar's (both name one)."""
    calendar = timer.calendar or timer.policy.calendar
    return ZoneInfo(calendar.time_zone if calendar else settings.TIME_ZONE)


def due_words(due: datetime, tz: tzinfo, *, now: datetime, relative: bool = True) -> str:
    """The due time in the active language: "today at 15:30 WIB", "tomorrow at 10:00 WIB" or
    "Monday 7 Dec at 10:00 WIB". `relative=False` (an email, read later) always names the day."""
    local = timezone.localtime(due, tz)
    values = {
        "time": formats.time_format(local, "TIME_FORMAT"),
        "zone": local.strftime("%Z"),
        "weekday": WEEKDAYS[local.weekday()],
        "date": formats.date_format(local, "MONTH_DAY_FORMAT"),
    }
    today = timezone.localtime(now, tz).date()
    if relative and local.date() == today:
        return pgettext("due time", "today at %(time)s %(zone)s") % values
    if relative and local.date() == today + timedelta(days=1):
        return pgettext("due time", "tomorrow at %(time)s %(zone)s") % values
    return pgettext("due time", "%(weekday)s %(date)s at %(time)s %(zone)s") % values


def escalation_kinds(timer: SLATimer) -> set[str]:
    """Whom the policy's ladder tells about a breach of this timer."""
    return set(
        EscalationStep.objects.filter(
            policy_id=timer.policy_id, metric__in=("", timer.metric)
        ).values_list("notify", flat=True)
    )


def if_late_text(ticket: Ticket, timer: SLATimer) -> str:
    """What the system does when the first answer is late, and nothing more."""
    has_leads = QueueMembership.objects.filter(
        queue_id=ticket.queue_id, is_lead=True, user__is_active=True
    ).exists()
    kinds = escalation_kinds(timer)
    # The breach itself tells the leads while nobody has the ticket; the ladder may later.
    if has_leads and (not ticket.assignee_id or EscalationStep.Notify.QUEUE_LEADS in kinds):
        return _(
            "If we are late, your request moves to the top of our team's list and a team lead "
            "is told."
        )
    if ticket.assignee_id or EscalationStep.Notify.ADMINS in kinds:
        return _(
            "If we are late, your request moves to the top of our team's list and the person "
            "in charge is alerted."
        )
    return _("If we are late, your request moves to the top of our team's list.")


def promise_for(ticket: Ticket, *, now: datetime | None = None, relative: bool = True) -> Promise:
    """What to tell the customer about their first answer, in the active language."""
    now = now or timezone.now()
    if not ticket.is_open or ticket.merged_into_id:
        return Promise(Kind.FINISHED)
    timer = first_response_timer(ticket)
    if ticket.first_response_at or (
        timer is not None and timer.status in (SLATimer.Status.MET, SLATimer.Status.BREACHED_MET)
    ):
        return Promise(Kind.ANSWERED)
    if timer is None or timer.status not in SLATimer.COUNTING_STATUSES:
        return Promise(
            Kind.NO_TIME,
            text=_(
                "We will answer as soon as we can and email you when we do. We cannot give you "
                "an exact time right now."
            ),
        )
    when = due_words(timer.due_at, time_zone_of(timer), now=now, relative=relative)
    if timer.breached_at is not None or timer.due_at <= now:
        return Promise(
            Kind.LATE,
            due_at=timer.due_at,
            when=when,
            text=_(
                "This is taking longer than we promised: we meant to answer by %(when)s. Your "
                "request is now at the top of our team's list. We are sorry for the wait."
            )
            % {"when": when},
        )
    return Promise(
        Kind.DUE,
        due_at=timer.due_at,
        when=when,
        text=_("We will answer by %(when)s.") % {"when": when},
        if_late=if_late_text(ticket, timer),
    )
