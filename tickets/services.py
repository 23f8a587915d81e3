"""Use-cases that change tickets. Views, the API, admin actions, commands and tasks call these, so
every channel behaves the same: the same checks, the same audit events, the same side effects."""

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import attachments as attachment_files
from . import low_ratings, redaction
from .assignment import auto_assign
from .config_cache import ConfigCache
from .events import Actor, IllegalTransition, ServiceError, record_event
from .models import (
    Category,
    Contact,
    CSATResponse,
    Message,
    Queue,
    QueueMembership,
    Tag,
    Ticket,
    TicketEvent,
    User,
)
from .models.tickets import generate_reference

logger = logging.getLogger(__name__)

REFERENCE_ATTEMPTS = 5


class Redactor:
    """Redacts every text of one change and remembers what it removed, field by field. Codes
    and passwords become "[redacted]" in the conversation's language."""

    def __init__(self, language: str | None = None) -> None:
        self.found: Counter = Counter()
        self.fields: dict[str, set[str]] = defaultdict(set)
        self.replacement = redaction.placeholder(language)

    def __call__(self, value, field: str):
        found: Counter = Counter()
        cleaned = redaction.redact_value(value, found, replacement=self.replacement)
        for kind in found:
            self.fields[kind].add(field)
        self.found.update(found)
        return cleaned

    def files(self, attachments: Sequence[attachment_files.CleanFile]) -> None:
        """Count what was removed from the files' names (attachments.safe_name)."""
        for file in attachments:
            for kind in file.found:
                self.fields[kind].add("attachment name")
            self.found.update(file.found)

    def record(self, ticket: Ticket, by: Actor, at: datetime) -> None:
        """One audit event per kind removed: what and where, never the value."""
        for kind, count in sorted(self.found.items()):
            record_event(
                ticket,
                TicketEvent.Kind.REDACTED,
                by,
                new=kind,
                data={"kind": kind, "count": count, "fields": sorted(self.fields[kind])},
                at=at,
            )


def redactions_of(ticket: Ticket) -> list[str]:
    """The kinds of secrets removed from a ticket so far (for the customer's confirmation)."""
    return sorted(
        set(
            ticket.events.filter(kind=TicketEvent.Kind.REDACTED).values_list("new_value", flat=True)
        )
    )


# Topics with their queues, read once per process until an admin changes one (config_cache).
CATEGORIES = ConfigCache(
    "categories", lambda: {c.code: c for c in Category.objects.select_related("queue")}
).watch(Category, Queue)


def active_category(code: str) -> Category | None:
    """The topic with this code if it is offered, with its queue."""
    category = CATEGORIES.get().get(code)
    return category if category is not None and category.is_active else None


def get_or_create_contact(
    *, email: str, name: str = "", phone: str = "", language: str = ""
) -> Contact:
    """The contact for an email address, whatever its case; fills in a missing name or phone."""
    email = Contact.normalize_email(email)
    contact = Contact.objects.filter(email__lower=email).first()
    if contact is None:
        try:
            # A savepoint: a concurrent first submission from the same address may win the insert.
            with transaction.atomic():
                return Contact.objects.create(
                    email=email,
                    name=name,
                    phone=phone,
                    **({"language": language} if language else {}),
                )
        except IntegrityError:
            contact = Contact.objects.get(email__lower=email)
    changed = []
    if name and not contact.name:
        contact.name = name
        changed.append("name")
    if phone and not contact.phone:
        contact.phone = phone
        changed.append("phone")
    if changed:
        contact.save(update_fields=changed)
    return contact


def customer_contact(user) -> Contact | None:
    """The contact of a signed-in customer, created (and linked) on first use."""
    if not user.is_authenticated:
        return None
    contact = getattr(user, "contact", None)
    if contact is None:
        contact = get_or_create_contact(email=user.email, name=user.name, language=user.language)
        if contact.user_id is None:
            contact.user = user
            contact.save(update_fields=["user"])
    return contact


def create_ticket(
    *,
    requester: Contact,
    category: Category | str,
    subject: str,
    body: str,
    details: dict | None = None,
    attachments: Sequence[attachment_files.CleanFile] = (),
    channel: str = Ticket.Channel.WEB,
    language: str | None = None,
    idempotency_key: str | None = None,
    faq_article: str = "",
    email_message_id: str | None = None,
    follow_up_of: Ticket | None = None,
) -> Ticket:
    """Open a ticket with its first message, routed by category, in one transaction.

    Every text is redacted before anything is saved. With an idempotency key, a second call with
    the same key returns the first ticket: the unique constraint refuses its insert (no look-up
    before, which every first call would pay).
    """
    if not isinstance(category, Category):
        category = CATEGORIES.get().get(category) or Category.objects.select_related("queue").get(
            code=category
        )
    now = timezone.now()
    redact = Redactor(language or requester.language)
    subject = redact(subject, "subject")
    body = redact(body, "body")
    details = redact(details or {}, "details")

    # The ticket's insert is the transaction's first write: a reference that is taken (or an
    # idempotency key used by a first call) rolls back nothing else, and the whole creation is
    # tried again (no savepoint around the insert).
    for attempt in range(REFERENCE_ATTEMPTS):
        reference = generate_reference()
        try:
            with transaction.atomic():
                ticket = _open_ticket(
                    reference=reference,
                    requester=requester,
                    category=category,
                    subject=subject,
                    body=body,
                    details=details,
                    attachments=attachments,
                    channel=channel,
                    language=language or requester.language,
                    idempotency_key=idempotency_key,
                    faq_article=faq_article,
                    email_message_id=email_message_id,
                    follow_up_of=follow_up_of,
                    redact=redact,
                    now=now,
                )
            break
        except IntegrityError:
            if idempotency_key:
                first = Ticket.objects.filter(idempotency_key=idempotency_key).first()
                if first is not None:
                    return first
            if (
                attempt == REFERENCE_ATTEMPTS - 1
                or not Ticket.objects.filter(reference=reference).exists()
            ):
                raise
    logger.info(
        "ticket %s created: %s via %s into %s%s",
        ticket.reference,
        category.code,
        channel,
        category.queue.slug,
        f", removed {dict(redact.found)}" if redact.found else "",
    )
    return ticket


def _open_ticket(
    *,
    reference: str,
    requester: Contact,
    category: Category,
    subject: str,
    body: str,
    details: dict,
    attachments: Sequence[attachment_files.CleanFile],
    channel: str,
    language: str,
    idempotency_key: str | None,
    faq_article: str,
    email_message_id: str | None,
    follow_up_of: Ticket | None,
    redact: "Redactor",
    now: datetime,
) -> Ticket:
    """create_ticket()'s writes, in its transaction."""
    ticket = Ticket.objects.create(
        reference=reference,
        subject=subject,
        category=category,
        priority=category.default_priority,
        status=Ticket.Status.NEW,
        channel=channel,
        queue=category.queue,
        requester=requester,
        language=language,
        details=details,
        transaction_reference=str(details.get("transaction_reference", ""))[:64],
        idempotency_key=idempotency_key or None,
        faq_article=faq_article,
        follow_up_of=follow_up_of,
        created_at=now,
        last_activity_at=now,
        status_changed_at=now,
    )
    message = Message.objects.create(
        ticket=ticket,
        kind=Message.Kind.PUBLIC,
        author_type=Message.Author.CUSTOMER,
        author_user=requester.user,
        author_contact=requester,
        body=body,
        source=_message_source(channel),
        email_message_id=email_message_id,
        created_at=now,
    )
    redact.files(attachments)
    for file in attachments:
        attachment_files.store(file, ticket=ticket, message=message)
    by = Actor.customer(requester)
    record_event(
        ticket,
        TicketEvent.Kind.CREATED,
        by,
        data={"channel": channel, "queue": category.queue.slug, "category": category.code},
        at=now,
    )
    redact.record(ticket, by, now)
    if category.queue.assignment != category.queue.Assignment.MANUAL:
        ticket = auto_assign(ticket, created=True)
    return ticket


def _message_source(channel: str) -> str:
    if channel in Message.Source.values:
        return channel
    return Message.Source.WEB


def _move(ticket: Ticket, status: str, by: Actor, *, now: datetime) -> list[str]:
    """Move a locked ticket to a new status and write the event; returns the fields changed."""
    old = Ticket.Status(ticket.status)
    new = Ticket.Status(status)
    if not ticket.can_move_to(new):
        raise IllegalTransition(
            _("Ticket %(reference)s is %(old)s and cannot be moved to %(new)s.")
            % {"reference": ticket.reference, "old": old.label, "new": new.label}
        )
    ticket.status = new
    ticket.status_changed_at = now
    changed = ["status", "status_changed_at"]
    if new == Ticket.Status.RESOLVED:
        ticket.resolved_at = now
        changed.append("resolved_at")
    elif new == Ticket.Status.CLOSED:
        ticket.closed_at = now
        changed.append("closed_at")
    elif old == Ticket.Status.RESOLVED:
        ticket.resolved_at = None
        ticket.reopen_count += 1
        changed += ["resolved_at", "reopen_count"]
    record_event(ticket, TicketEvent.Kind.STATUS, by, field="status", old=old, new=new, at=now)
    return changed


def change_status(*, ticket: Ticket, status: str, by: Actor) -> Ticket:
    """Move a ticket to another status if docs/design.md section 5 allows it; one event per move."""
    now = timezone.now()
    with transaction.atomic():
        # The lock makes two agents changing the same ticket apply one after the other, each
        # checking the transition against the status the other left.
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        changed = _move(locked, status, by, now=now)
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


def add_agent_message(
    *,
    ticket: Ticket,
    agent: User,
    body: str,
    internal: bool = False,
    set_status: str | None = None,
    attachments: Sequence[attachment_files.CleanFile] = (),
    source: str = Message.Source.WEB,
) -> Message:
    """An agent's public reply or internal note. A public reply may set a new status (usually
    pending_customer); the first public reply sets first_response_at."""
    now = timezone.now()
    by = Actor.agent(agent)
    redact = Redactor(ticket.language)
    body = redact(body, "body")
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status == Ticket.Status.CLOSED:
            raise ServiceError(
                _("Ticket %(reference)s is closed.") % {"reference": locked.reference}
            )
        message = Message.objects.create(
            ticket=locked,
            kind=Message.Kind.INTERNAL if internal else Message.Kind.PUBLIC,
            author_type=Message.Author.AGENT,
            author_user=agent,
            body=body,
            source=source,
            created_at=now,
        )
        redact.files(attachments)
        for file in attachments:
            attachment_files.store(file, ticket=locked, message=message)
        changed = ["last_activity_at"]
        locked.last_activity_at = now
        if internal:
            record_event(locked, TicketEvent.Kind.NOTE, by, data={"message": message.pk}, at=now)
        else:
            record_event(locked, TicketEvent.Kind.REPLIED, by, data={"message": message.pk}, at=now)
            if locked.first_response_at is None:
                locked.first_response_at = now
                changed.append("first_response_at")
            target = set_status or (
                Ticket.Status.OPEN if locked.status == Ticket.Status.NEW else None
            )
            if target and target != locked.status:
                changed += _move(locked, target, by, now=now)
        redact.record(locked, by, now)
        locked.save(update_fields=[*changed, "updated_at"])
    return message


def keep_unverified_email(
    *,
    ticket: Ticket,
    contact: Contact,
    body: str,
    reason: str,
    attachments: Sequence[attachment_files.CleanFile] = (),
    email_message_id: str | None = None,
) -> Message:
    """An email that names the ticket and claims to come from `contact`, but could not be
    verified: kept for the agents as an internal message with a warning. It changes nothing
    else: no reopening, no SLA timer, no email to anyone."""
    now = timezone.now()
    redact = Redactor(ticket.language)
    body = redact(body, "body")
    by = Actor.system()
    with transaction.atomic():
        message = Message.objects.create(
            ticket=ticket,
            kind=Message.Kind.INTERNAL,
            author_type=Message.Author.SYSTEM,
            author_contact=contact,
            body=body,
            source=Message.Source.EMAIL,
            email_message_id=email_message_id,
            sender_verified=False,
            created_at=now,
        )
        redact.files(attachments)
        for file in attachments:
            attachment_files.store(file, ticket=ticket, message=message)
        record_event(
            ticket,
            TicketEvent.Kind.UNVERIFIED_EMAIL,
            by,
            new=contact.email,
            data={"message": message.pk, "reason": reason[:200]},
            at=now,
        )
        redact.record(ticket, by, now)
    return message


def reopen_deadline(ticket: Ticket) -> datetime | None:
    """Until when a customer's reply reopens this resolved ticket (None: not resolved)."""
    if ticket.status != Ticket.Status.RESOLVED or ticket.resolved_at is None:
        return None
    return ticket.resolved_at + timedelta(days=settings.REOPEN_WINDOW_DAYS)


def add_customer_message(
    *,
    ticket: Ticket,
    contact: Contact,
    body: str,
    attachments: Sequence[attachment_files.CleanFile] = (),
    source: str = Message.Source.WEB,
    email_message_id: str | None = None,
) -> Message:
    """A customer's reply (docs/design.md section 5).

    It reopens a ticket waiting on them, or resolved within the reopen window. Later, or on a
    closed ticket, it starts a new ticket linked to the old one; on a merged ticket it goes to
    the ticket it was merged into. The returned message's ticket says where it landed.
    """
    now = timezone.now()
    while ticket.merged_into_id:
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    deadline = reopen_deadline(ticket)
    if ticket.status == Ticket.Status.CLOSED or (deadline and deadline < now):
        follow_up = create_ticket(
            requester=contact,
            category=ticket.category,
            subject=ticket.subject,
            body=body,
            attachments=attachments,
            channel=source if source in Ticket.Channel.values else Ticket.Channel.WEB,
            language=ticket.language,
            email_message_id=email_message_id,
            follow_up_of=ticket,
        )
        return follow_up.messages.get()

    by = Actor.customer(contact)
    redact = Redactor(ticket.language)
    body = redact(body, "body")
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status == Ticket.Status.CLOSED:
            raise ServiceError(
                _("Ticket %(reference)s is closed.") % {"reference": locked.reference}
            )
        message = Message.objects.create(
            ticket=locked,
            kind=Message.Kind.PUBLIC,
            author_type=Message.Author.CUSTOMER,
            author_user=contact.user,
            author_contact=contact,
            body=body,
            source=source,
            email_message_id=email_message_id,
            created_at=now,
        )
        redact.files(attachments)
        for file in attachments:
            attachment_files.store(file, ticket=locked, message=message)
        record_event(
            locked, TicketEvent.Kind.CUSTOMER_REPLIED, by, data={"message": message.pk}, at=now
        )
        redact.record(locked, by, now)
        locked.last_activity_at = now
        changed = ["last_activity_at"]
        if locked.status in (Ticket.Status.PENDING_CUSTOMER, Ticket.Status.RESOLVED):
            changed += _move(locked, Ticket.Status.OPEN, by, now=now)
        locked.save(update_fields=[*changed, "updated_at"])
    return message


def rate_ticket(*, ticket: Ticket, contact: Contact, score: int, comment: str = "") -> CSATResponse:
    """The customer's 1-5 rating of a resolution; once per resolution. A low one is followed up
    by the queue's leads (tickets/low_ratings.py), in the same transaction, so once too."""
    if ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED) or ticket.merged_into_id:
        raise ServiceError(_("Only a resolved request can be rated."))
    if not 1 <= int(score) <= 5:
        raise ServiceError(_("A rating is a number from 1 to 5."))
    now = timezone.now()
    redact = Redactor(ticket.language)
    comment = redact(comment.strip(), "csat comment")
    by = Actor.customer(contact)
    try:
        with transaction.atomic():
            rating = CSATResponse.objects.create(
                ticket=ticket,
                cycle=ticket.reopen_count,
                score=score,
                comment=comment,
                created_at=now,
            )
            # A low rating's note and its leads: the event's reactions tell them.
            facts = {"rating": rating.pk, **low_ratings.follow_up(ticket, rating, now)}
            record_event(ticket, TicketEvent.Kind.CSAT, by, new=score, data=facts, at=now)
            redact.record(ticket, by, now)
    except IntegrityError:
        raise ServiceError(_("You have already rated this resolution. Thank you!")) from None
    return rating


def _set_field(
    ticket: Ticket, *, field: str, value, shown, kind: str, by: Actor, now: datetime
) -> Ticket:
    """Change one routing field of a locked ticket and write its event; no-op if unchanged."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.status == Ticket.Status.CLOSED:
        raise ServiceError(_("Ticket %(reference)s is closed.") % {"reference": locked.reference})
    old_value = getattr(locked, f"{field}_id" if field in ("queue", "category") else field)
    new_value = value.pk if hasattr(value, "pk") else value
    if old_value == new_value:
        return locked
    old_shown = shown(getattr(locked, field))
    setattr(locked, field, value)
    locked.save(update_fields=[field, "updated_at"])
    record_event(locked, kind, by, field=field, old=old_shown, new=shown(value), at=now)
    return locked


def change_priority(*, ticket: Ticket, priority: int, by: Actor) -> Ticket:
    with transaction.atomic():
        return _set_field(
            ticket,
            field="priority",
            value=Ticket.Priority(priority),
            shown=lambda p: Ticket.Priority(p).name.lower(),
            kind=TicketEvent.Kind.PRIORITY,
            by=by,
            now=timezone.now(),
        )


def change_category(*, ticket: Ticket, category: Category, by: Actor) -> Ticket:
    with transaction.atomic():
        return _set_field(
            ticket,
            field="category",
            value=category,
            shown=lambda c: c.code,
            kind=TicketEvent.Kind.CATEGORY,
            by=by,
            now=timezone.now(),
        )


def move_to_queue(*, ticket: Ticket, queue, by: Actor) -> Ticket:
    """Move a ticket to another queue; an assignee who is not a member there lets it go."""
    now = timezone.now()
    with transaction.atomic():
        moved = _set_field(
            ticket,
            field="queue",
            value=queue,
            shown=lambda q: q.slug,
            kind=TicketEvent.Kind.QUEUE,
            by=by,
            now=now,
        )
        if moved.assignee_id and not queue.memberships.filter(user_id=moved.assignee_id).exists():
            record_event(
                moved,
                TicketEvent.Kind.ASSIGNEE,
                by,
                field="assignee",
                old=moved.assignee.email,
                new="",
                at=now,
            )
            moved.assignee = None
            moved.save(update_fields=["assignee", "updated_at"])
    return moved


def merge_tickets(*, source: Ticket, target: Ticket, by: Actor) -> Ticket:
    """Merge a duplicate into another ticket of the same customer.

    The duplicate's messages and attachments move to the target; the duplicate closes with a link
    to it; both threads say so publicly, so the customer is told; both get an audit event.
    """
    now = timezone.now()
    with transaction.atomic():
        # Lock both rows in a fixed order, so two opposite merges cannot deadlock.
        locked = {
            t.pk: t
            for t in Ticket.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        source, target = locked[source.pk], locked.get(target.pk)
        if target is None or source.pk == target.pk:
            raise ServiceError(_("A ticket cannot be merged into itself."))
        if source.requester_id != target.requester_id:
            raise ServiceError(
                _("Only tickets from the same customer can be merged: %(a)s and %(b)s are not.")
                % {"a": source.reference, "b": target.reference}
            )
        for ticket in (source, target):
            if ticket.status == Ticket.Status.CLOSED:
                raise ServiceError(
                    _("Ticket %(reference)s is closed.") % {"reference": ticket.reference}
                )
        moved_messages = Message.objects.filter(ticket=source).update(ticket=target)
        source.attachments.update(ticket=target)
        target.tags.add(*source.tags.all())
        # Stored text the customer reads: written in the customer's language, not the agent's.
        with translation.override(source.language):
            merged_away = _(
                "This request was merged into %(target)s, where the conversation continues."
            ) % {"target": target.reference}
        with translation.override(target.language):
            merged_in = _("Your request %(source)s was merged into this one.") % {
                "source": source.reference
            }
        for ticket, body in ((source, merged_away), (target, merged_in)):
            Message.objects.create(
                ticket=ticket,
                kind=Message.Kind.PUBLIC,
                author_type=Message.Author.SYSTEM,
                body=body,
                source=Message.Source.SYSTEM,
                created_at=now,
            )
        old_status = source.status
        source.status = Ticket.Status.CLOSED
        source.merged_into = target
        source.status_changed_at = source.closed_at = source.last_activity_at = now
        source.save(
            update_fields=[
                "status",
                "merged_into",
                "status_changed_at",
                "closed_at",
                "last_activity_at",
                "updated_at",
            ]
        )
        record_event(
            source,
            TicketEvent.Kind.MERGED,
            by,
            field="status",
            old=old_status,
            new=Ticket.Status.CLOSED,
            data={"into": target.reference},
            at=now,
        )
        target.last_activity_at = now
        target.save(update_fields=["last_activity_at", "updated_at"])
        record_event(
            target,
            TicketEvent.Kind.MERGED_FROM,
            by,
            data={"from": source.reference, "messages": moved_messages},
            at=now,
        )
    return target


def send_access_link(*, ticket: Ticket, by: Actor) -> None:
    """Email the requester a fresh link to the ticket (the event's notification,
    docs/design.md section 7)."""
    with transaction.atomic():
        record_event(ticket, TicketEvent.Kind.LINK_SENT, by)


def send_access_link_if_matching(*, reference: str, email: str) -> bool:
    """A customer asked for a fresh link with a reference and an email address: send it if
    they belong together; nothing otherwise (the asker is told the same either way)."""
    ticket = (
        Ticket.objects.select_related("requester")
        .filter(reference=reference.strip().upper(), requester__email__lower=email.strip().lower())
        .first()
    )
    if ticket is None:
        return False
    send_access_link(ticket=ticket, by=Actor.customer(ticket.requester))
    return True


def escalate(*, ticket: Ticket, by: User, reason: str) -> Ticket:
    """Hand a ticket up to the leads of its queue: an internal note, an event, a flag."""
    now = timezone.now()
    actor = Actor.agent(by)
    reason = Redactor(ticket.language)(reason.strip(), "escalation reason")
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not locked.is_open:
            raise ServiceError(
                _("Only an open ticket can be escalated; %(reference)s is %(status)s.")
                % {"reference": locked.reference, "status": locked.get_status_display()}
            )
        leads = list(
            QueueMembership.objects.filter(queue_id=locked.queue_id, is_lead=True).values_list(
                "user__email", flat=True
            )
        )
        note = Message.objects.create(
            ticket=locked,
            kind=Message.Kind.INTERNAL,
            author_type=Message.Author.AGENT,
            author_user=by,
            body=_("Escalated to the queue lead: %(reason)s") % {"reason": reason},
            source=Message.Source.WEB,
            created_at=now,
        )
        locked.escalated_at = locked.last_activity_at = now
        locked.save(update_fields=["escalated_at", "last_activity_at", "updated_at"])
        record_event(
            locked,
            TicketEvent.Kind.ESCALATED,
            actor,
            new=", ".join(leads),
            data={"leads": leads, "message": note.pk},
            at=now,
        )
    return locked


def set_tags(*, ticket: Ticket, names: Sequence[str], by: Actor) -> Ticket:
    """Replace a ticket's tags (lower-case slugs), with one event listing before and after."""
    wanted = sorted({slugify(name, allow_unicode=True)[:50] for name in names} - {""})
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status == Ticket.Status.CLOSED:
            raise ServiceError(
                _("Ticket %(reference)s is closed.") % {"reference": locked.reference}
            )
        before = sorted(locked.tags.values_list("name", flat=True))
        if before == wanted:
            return locked
        tags = [Tag.objects.get_or_create(name=name)[0] for name in wanted]
        locked.tags.set(tags)
        locked.save(update_fields=["updated_at"])
        record_event(
            locked,
            TicketEvent.Kind.TAGS,
            by,
            field="tags",
            old=", ".join(before),
            new=", ".join(wanted),
        )
    return locked
