"""Which ticket changes notify whom (docs/design.md section 7). Called by tickets.reactions inside
the transaction that records each TicketEvent, so a notification exists exactly when its cause
does.

- created: ticket_created (reference, link) to the requester.
- replied (public): agent_replied (the reply, and the status it set if any) to the requester.
- status -> pending_customer / resolved: pending_customer / ticket_resolved (with the CSAT link)
  to the requester; not when the requester made the change, nor when the reply that set it
  already says so (one email per action).
- link_sent: access_link to the requester.
- merged: ticket_merged (with a link to the ticket it went into) to the requester;
  merged_from sends nothing, since one email is enough.
- assignee: assigned to the new assignee, unless they took the ticket themselves.
- customer_replied: customer_replied to the assignee; when unassigned, to the queue's leads
  (agents see unassigned tickets in their queue; leads triage).
- note: mentioned to the agents its `@mentions` name (tickets/mentions.py: active staff who see
  the ticket, never the author).
- csat at or below LOW_RATING_FOLLOW_UP_AT: low_rating (score and comment) to the queue's
  leads, else the admins (tickets/low_ratings.py).
- priority, category, queue, tags, other ratings, redacted: nothing.
SLA warnings, breaches and escalation steps come from the SLA sweep through notify_sla().
Agents' muted emails (NotificationPreference) are not written at all.
"""

from collections.abc import Iterable
from datetime import datetime

from tickets import assignment, low_ratings, mentions
from tickets.config_cache import ConfigCache
from tickets.models import (
    Message,
    Notification,
    NotificationPreference,
    Ticket,
    TicketEvent,
    User,
)

from . import outbox

Template = Notification.Template
Kind = TicketEvent.Kind


def on_ticket_event(event: TicketEvent) -> None:
    handler = HANDLERS.get(event.kind)
    if handler is not None:
        handler(event)


def _to_requester(
    event: TicketEvent,
    template: str,
    *,
    ticket: Ticket | None = None,
    thread: bool = True,
    **facts,
) -> Notification | None:
    ticket = ticket or event.ticket
    return outbox.notify(
        thread=thread,
        ticket=ticket,
        template=template,
        recipient=ticket.requester.email,
        language=ticket.language,
        key=f"event:{event.pk}:{template}",
        context={"reference": ticket.reference, **facts},
        event=event,
    )


def wanting(users: Iterable[User], template: str) -> list[User]:
    """The active users among `users` who have not muted `template`, in a stable order."""
    users = [user for user in users if user.is_active]
    muted = _muted(template, users)
    return sorted((user for user in users if user.pk not in muted), key=lambda user: user.pk)


def _load_muted() -> dict[str, set[int]]:
    fields = NotificationPreference.FIELDS
    muted = {template: set() for template in fields}
    for preference in NotificationPreference.objects.all():
        for template, name in fields.items():
            if not getattr(preference, name):
                muted[template].add(preference.user_id)
    return muted


# Who muted which email: one row per agent who changed a default, read once per process until
# an agent saves their preferences (config_cache).
MUTED = ConfigCache("notification-preferences", _load_muted).watch(NotificationPreference)


def _muted(template: str, users: list[User]) -> set[int]:
    """Who among `users` muted `template`."""
    return MUTED.get().get(template, set()) & {user.pk for user in users}


def _active_users(ids: list[int]) -> list[User]:
    """The active users with these ids; in an outbox batch, each user is read once."""
    memo = outbox.batch_memo()
    if memo is None:
        return list(User.objects.filter(pk__in=ids, is_active=True))
    known = memo.setdefault("users", {})
    missing = [pk for pk in ids if pk not in known]
    if missing:
        found = {user.pk: user for user in User.objects.filter(pk__in=missing)}
        known.update({pk: found.get(pk) for pk in missing})
    return [known[pk] for pk in ids if known[pk] is not None and known[pk].is_active]


def _to_agents(
    event: TicketEvent, template: str, users: Iterable[User], *, thread: bool = True, **facts
) -> list[Notification]:
    ticket = event.ticket
    written = []
    for user in wanting(users, template):
        notification = outbox.notify(
            ticket=ticket,
            template=template,
            recipient=user.email,
            language=user.language,
            key=f"event:{event.pk}:{template}:{user.pk}",
            context={"reference": ticket.reference, **facts},
            user=user,
            event=event,
            thread=thread,
        )
        if notification is not None:
            written.append(notification)
    return written


def on_created(event: TicketEvent) -> None:
    # A new ticket has no earlier email to answer, unless it came in by email.
    by_email = event.ticket.channel == Ticket.Channel.EMAIL
    _to_requester(event, Template.TICKET_CREATED, thread=by_email)


def on_replied(event: TicketEvent) -> None:
    message_id = event.data.get("message")
    notification = _to_requester(event, Template.AGENT_REPLIED, message=message_id)
    if notification is not None:
        # The reply's own Message-ID: the customer's answer to it threads by In-Reply-To.
        Message.objects.filter(pk=message_id, email_message_id__isnull=True).update(
            email_message_id=notification.message_id
        )


STATUS_TEMPLATES = {
    Ticket.Status.PENDING_CUSTOMER: Template.PENDING_CUSTOMER,
    Ticket.Status.RESOLVED: Template.TICKET_RESOLVED,
}


def on_status(event: TicketEvent) -> None:
    template = STATUS_TEMPLATES.get(event.new_value)
    if template is None or event.actor_type == TicketEvent.Actor.CUSTOMER:
        return
    # A public reply that also set this status (services write both events at the same
    # instant) already tells the customer: say it in that one email instead of a second.
    # In a batch (an incident's resolution over thousands of tickets) the reply's row is not
    # written yet: it is found among the batch's rows and changed before its insert.
    reply = outbox.in_batch(
        lambda row: (
            row.ticket_id == event.ticket_id
            and row.template == Template.AGENT_REPLIED
            and row.event is not None
            and row.event.kind == Kind.REPLIED
            and row.event.created_at == event.created_at
        )
    ) or (
        Notification.objects.filter(
            ticket_id=event.ticket_id,
            template=Template.AGENT_REPLIED,
            event__kind=Kind.REPLIED,
            event__created_at=event.created_at,
        ).first()
    )
    if reply is not None and reply.status == Notification.Status.PENDING:
        reply.context = {**reply.context, "status": event.new_value}
        if reply.pk is not None:
            reply.save(update_fields=["context"])
        return
    _to_requester(event, template)


def on_link_sent(event: TicketEvent) -> None:
    _to_requester(event, Template.ACCESS_LINK)


def on_merged(event: TicketEvent) -> None:
    _to_requester(event, Template.TICKET_MERGED, into=event.data.get("into", ""))


def on_assignee(event: TicketEvent) -> None:
    assignee = assignment.new_assignee_to_tell(event)
    if assignee is None:
        return
    # Given out as the ticket was opened: no earlier email about it to answer.
    thread = not event.data.get("with_creation")
    _to_agents(event, Template.ASSIGNED, [assignee], thread=thread, by=event.actor_name)


def on_customer_replied(event: TicketEvent) -> None:
    agents = assignment.answerable(event.ticket)
    _to_agents(event, Template.CUSTOMER_REPLIED, agents, message=event.data.get("message"))


def on_note(event: TicketEvent) -> None:
    _to_agents(event, Template.MENTIONED, mentions.mentioned_by(event), by=event.actor_name)


def on_csat(event: TicketEvent) -> None:
    if event.data.get("follow_up"):
        who = low_ratings.recipients(event.data)
        _to_agents(event, Template.LOW_RATING, who, rating=event.data.get("rating"))


HANDLERS = {
    Kind.CREATED: on_created,
    Kind.REPLIED: on_replied,
    Kind.STATUS: on_status,
    Kind.LINK_SENT: on_link_sent,
    Kind.MERGED: on_merged,
    Kind.ASSIGNEE: on_assignee,
    Kind.CUSTOMER_REPLIED: on_customer_replied,
    Kind.NOTE: on_note,
    Kind.CSAT: on_csat,
}


SLA_TEMPLATES = {
    "warning": Template.SLA_WARNING,
    "breach": Template.SLA_BREACH,
    "escalation": Template.SLA_ESCALATION,
}


def notify_sla(
    *,
    ticket: Ticket,
    kind: str,
    key: str,
    recipients: Iterable[int | User],
    not_before: datetime | None = None,
    metric: str = "",
    due_at: datetime | None = None,
    level: str | int = "",
) -> list[Notification]:
    """Tell agents about an SLA warning, breach or escalation step, in the SLA sweep's
    transaction.

    kind: "warning", "breach" or "escalation". key: once-only key of the step (e.g.
    "sla:<timer id>:breach"); each recipient's row gets f"{key}:{user id}", so running the
    step again sends nothing new. recipients: users or user ids. not_before: the instant the
    email may go (business-hours targets wait for the next opening; None or past: now).
    metric ("first_response", "next_response", "resolution"), due_at and level (a warning's
    threshold or an escalation's step number) are shown in the email.
    """
    template = SLA_TEMPLATES[kind]
    ids = [r.pk if isinstance(r, User) else int(r) for r in recipients]
    users = _active_users(ids)
    facts = {
        "reference": ticket.reference,
        "metric": metric,
        "due_at": due_at.isoformat() if due_at else "",
        "level": str(level),
    }
    written = []
    for user in wanting(users, template):
        notification = outbox.notify(
            ticket=ticket,
            template=template,
            recipient=user.email,
            language=user.language,
            key=f"{key}:{user.pk}",
            context=facts,
            user=user,
            not_before=not_before,
        )
        if notification is not None:
            written.append(notification)
    return written
