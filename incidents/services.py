"""Declaring, updating, linking and resolving incidents: the one place every surface (staff
pages, Django admin, the API) changes them. Work over all of an incident's tickets (telling
their customers, resolving them) is an IncidentJob run by a worker in batches (jobs.py)."""

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tickets import redaction, roles
from tickets.events import Actor, ServiceError, record_event
from tickets.models import Category, Tag, Ticket, TicketEvent, User
from tickets.models.queues import queue_ids_visible_to

from . import signals
from .models import Incident, IncidentJob, IncidentUpdate

logger = logging.getLogger(__name__)


def redact_text(text: str) -> str:
    return redaction.redact(text).text


LANGUAGES = ("id", "en", "zh_hans")
TEXT_FIELDS = [f"{prefix}_{lang}" for prefix in ("title", "message") for lang in LANGUAGES]
CONDITION_FIELDS = ["payment_methods", "banks", "merchants"]
EDITABLE = [
    *TEXT_FIELDS,
    *CONDITION_FIELDS,
    "match_new_tickets",
    "show_banner",
    "started_at",
    "expected_end_at",
]


def _clean_texts(values: dict) -> dict:
    """Incident texts are public: what the redactor would remove never gets in (a lead pasting
    a customer's message with a card number into the banner)."""
    cleaned = dict(values)
    for name in TEXT_FIELDS:
        if cleaned.get(name):
            cleaned[name] = redact_text(str(cleaned[name]).strip())
    for name in CONDITION_FIELDS:
        if name in cleaned:
            cleaned[name] = sorted({str(v).strip() for v in cleaned[name] or [] if str(v).strip()})
    return cleaned


def _require_text(incident: Incident) -> None:
    if not any(getattr(incident, f"title_{lang}") for lang in LANGUAGES):
        raise ServiceError(_("Give the incident a title in at least one language."))
    if not any(getattr(incident, f"message_{lang}") for lang in LANGUAGES):
        raise ServiceError(_("Write the message to customers in at least one language."))
    if incident.expected_end_at and incident.expected_end_at <= incident.started_at:
        raise ServiceError(_("The expected end must be after the start."))


def _tag_for(incident: Incident) -> Tag:
    name = slugify(f"incident-{incident.pk}")
    return Tag.objects.get_or_create(name=name)[0]


def declare(*, by: User | None, categories: Iterable[Category | str] = (), **values) -> Incident:
    """A new incident, active at once; matching new tickets are linked from now on."""
    unknown = set(values) - set(EDITABLE) - {"status"}
    if unknown:
        raise TypeError(f"unknown incident fields: {sorted(unknown)}")
    values = _clean_texts(values)
    now = timezone.now()
    status = values.pop("status", Incident.Status.INVESTIGATING)
    if status == Incident.Status.RESOLVED:
        raise ServiceError(_("A new incident cannot start resolved."))
    with transaction.atomic():
        incident = Incident(declared_by=by, status=status, created_at=now, **values)
        if "started_at" not in values:
            incident.started_at = now
        _require_text(incident)
        incident.save()
        incident.tag = _tag_for(incident)
        incident.save(update_fields=["tag"])
        codes = _category_codes(categories)
        _check_scope(by, codes)
        incident.categories.set(codes)
        IncidentUpdate.objects.create(
            incident=incident,
            status=incident.status,
            message_id=incident.message_id,
            message_en=incident.message_en,
            message_zh_hans=incident.message_zh_hans,
            posted_by=by,
            posted_at=now,
        )
        signals.incident_changed(incident, signals.CREATED, now)
    logger.info("incident %s declared (%s)", incident.pk, incident.status)
    return incident


def _check_scope(by: User | None, codes: list[str]) -> None:
    """A lead declares incidents for their own queues: every category chosen must be routed to a
    queue they work, and "any category" is for admins and leads of every queue (an incident
    replies to and resolves every ticket it links)."""
    if by is None or roles.is_admin(by):
        return
    visible = set(queue_ids_visible_to(by))
    chosen = Category.objects.filter(pk__in=codes) if codes else Category.objects.all()
    outside = [category.label() for category in chosen if category.queue_id not in visible]
    if outside and not codes:
        raise ServiceError(
            _("Choose the categories it affects: only an admin declares one for every category.")
        )
    if outside:
        raise ServiceError(
            _("%(categories)s: routed to a queue you do not work; ask an admin.")
            % {"categories": ", ".join(outside)}
        )


def _category_codes(categories: Iterable[Category | str]) -> list[str]:
    codes = [c.pk if isinstance(c, Category) else str(c) for c in categories]
    known = set(Category.objects.filter(pk__in=codes).values_list("pk", flat=True))
    missing = sorted(set(codes) - known)
    if missing:
        raise ServiceError(_("Unknown category: %(codes)s.") % {"codes": ", ".join(missing)})
    return codes


def edit(
    incident: Incident, *, by: User | None, categories: Iterable | None = None, **values
) -> Incident:
    """Change an active incident's texts, conditions or times (not its status: post_update)."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown incident fields: {sorted(unknown)}")
    values = _clean_texts(values)
    now = timezone.now()
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if not locked.is_active:
            raise ServiceError(_("This incident is resolved; declare a new one."))
        for name, value in values.items():
            setattr(locked, name, value)
        _require_text(locked)
        locked.save()
        codes = (
            _category_codes(categories)
            if categories is not None
            else [c.pk for c in locked.categories.all()]
        )
        _check_scope(by, codes)
        if categories is not None:
            locked.categories.set(codes)
        signals.incident_changed(locked, signals.UPDATED, now)
    return locked


def post_update(
    incident: Incident,
    *,
    by: User,
    status: str,
    notify_customers: bool = False,
    **messages,
) -> IncidentUpdate:
    """A public update and the incident's new status; telling every linked customer runs as a
    job. Resolving goes through resolve()."""
    if status == Incident.Status.RESOLVED:
        raise ServiceError(_("Resolve the incident with its own action."))
    if status not in Incident.Status.values:
        raise ServiceError(_("Unknown status: %(status)s.") % {"status": status})
    messages = _messages(messages)
    now = timezone.now()
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if not locked.is_active:
            raise ServiceError(_("This incident is resolved; declare a new one."))
        update = IncidentUpdate.objects.create(
            incident=locked,
            status=status,
            notify_customers=notify_customers,
            posted_by=by,
            posted_at=now,
            **messages,
        )
        if status != locked.status:
            locked.status = status
            locked.save(update_fields=["status", "updated_at"])
        if notify_customers:
            _start_job(locked, IncidentJob.Kind.NOTIFY, update=update, by=by)
        signals.incident_changed(locked, signals.UPDATED, now)
    return update


def _messages(messages: dict) -> dict:
    unknown = set(messages) - {f"message_{lang}" for lang in LANGUAGES}
    if unknown:
        raise TypeError(f"unknown update fields: {sorted(unknown)}")
    cleaned = {name: redact_text(str(value or "").strip()) for name, value in messages.items()}
    if not any(cleaned.values()):
        raise ServiceError(_("Write the update in at least one language."))
    return cleaned


def resolve(
    incident: Incident,
    *,
    by: User,
    outcome: str = IncidentJob.Outcome.RESOLVE,
    notify_customers: bool = True,
    **messages,
) -> IncidentJob:
    """Resolve the incident: it leaves the banner and stops matching at once; its open tickets
    are resolved (or set waiting for the customer, or left) by a job, each told in its
    language when `notify_customers`."""
    if outcome not in IncidentJob.Outcome.values:
        raise ServiceError(_("Unknown outcome: %(outcome)s.") % {"outcome": outcome})
    messages = _messages(messages)
    now = timezone.now()
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if not locked.is_active:
            raise ServiceError(_("This incident is already resolved."))
        update = IncidentUpdate.objects.create(
            incident=locked,
            status=Incident.Status.RESOLVED,
            notify_customers=notify_customers,
            posted_by=by,
            posted_at=now,
            **messages,
        )
        locked.status = Incident.Status.RESOLVED
        locked.resolved_at = now
        locked.save(update_fields=["status", "resolved_at", "updated_at"])
        # An update still being sent is overtaken: its customers hear of the fix instead.
        IncidentJob.objects.filter(
            incident=locked,
            kind=IncidentJob.Kind.NOTIFY,
            state__in=[IncidentJob.State.QUEUED, IncidentJob.State.RUNNING],
        ).update(
            state=IncidentJob.State.DONE,
            finished_at=now,
            last_error=_("Stopped: the incident was resolved before every customer was told."),
        )
        job = _start_job(locked, IncidentJob.Kind.RESOLVE, update=update, by=by, outcome=outcome)
        signals.incident_changed(locked, signals.RESOLVED, now)
    logger.info("incident %s resolved; job %s over %s tickets", locked.pk, job.pk, job.total)
    return job


def _start_job(
    incident: Incident,
    kind: str,
    *,
    update: IncidentUpdate | None,
    by: User | None,
    outcome: str = IncidentJob.Outcome.LEAVE,
) -> IncidentJob:
    from . import jobs

    total = Ticket.objects.filter(incident=incident, status__in=Ticket.OPEN_STATUSES).count()
    job = IncidentJob.objects.create(
        incident=incident, kind=kind, update=update, outcome=outcome, total=total, created_by=by
    )
    jobs.publish_on_commit(job.pk)
    return job


# Linking by hand


def link(
    tickets: Sequence[Ticket] | Iterable[int], incident: Incident, *, by: User
) -> list[Ticket]:
    """Link tickets to an incident (moving them from another one); returns those changed.
    Closed tickets and those already linked to it are left as they are."""
    ids = [t.pk if isinstance(t, Ticket) else int(t) for t in tickets]
    now = timezone.now()
    changed = []
    with transaction.atomic():
        # Locked: a resolution committed meanwhile is seen, and one in progress waits, so no
        # ticket is linked to an incident whose job has passed it.
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if not incident.is_active:
            raise ServiceError(_("This incident is resolved; declare a new one."))
        tag = incident.tag or _tag_for(incident)
        for ticket in Ticket.objects.select_for_update().filter(pk__in=ids).order_by("id"):
            if ticket.incident_id == incident.pk or ticket.status == Ticket.Status.CLOSED:
                continue
            old = ticket.incident_id
            if old is not None:
                _drop_tag(ticket, old)
            ticket.incident = incident
            ticket.save(update_fields=["incident", "updated_at"])
            ticket.tags.add(tag)
            record_event(
                ticket,
                TicketEvent.Kind.INCIDENT,
                Actor.agent(by),
                field="incident",
                old=old or "",
                new=incident.pk,
                data={"linked": "by hand"},
                at=now,
            )
            changed.append(ticket)
    return changed


def unlink(tickets: Sequence[Ticket] | Iterable[int], *, by: User) -> list[Ticket]:
    ids = [t.pk if isinstance(t, Ticket) else int(t) for t in tickets]
    now = timezone.now()
    changed = []
    with transaction.atomic():
        for ticket in (
            Ticket.objects.select_for_update()
            .filter(pk__in=ids, incident__isnull=False)
            .order_by("id")
        ):
            old = ticket.incident_id
            _drop_tag(ticket, old)
            ticket.incident = None
            ticket.save(update_fields=["incident", "updated_at"])
            record_event(
                ticket,
                TicketEvent.Kind.INCIDENT,
                Actor.agent(by),
                field="incident",
                old=old,
                new="",
                data={"linked": "unlinked"},
                at=now,
            )
            changed.append(ticket)
    return changed


def _drop_tag(ticket: Ticket, incident_id: int) -> None:
    tag_id = Incident.objects.filter(pk=incident_id).values_list("tag_id", flat=True).first()
    if tag_id:
        ticket.tags.remove(tag_id)


def counts_by_status(incident: Incident) -> dict[str, int]:
    """The incident's tickets per status (its page), from the (incident, status) index."""
    rows = (
        Ticket.objects.filter(incident=incident).values("status").annotate(n=Count("id")).order_by()
    )
    counts = dict.fromkeys(Ticket.Status.values, 0)
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def when(value: datetime | None) -> str:
    return value.isoformat() if value else ""
