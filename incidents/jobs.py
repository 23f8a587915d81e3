"""Running an IncidentJob: tell every linked customer of an update, or resolve the incident's
tickets, in batches (README "Incidents").

Each batch is one transaction that locks the job row (SKIP LOCKED: a second worker running the
same job finds it busy and leaves), takes the next BATCH_SIZE open tickets after the cursor in id
order, changes them through the ticket services (one reply and one status event each, their
emails written to the outbox in one insert), and moves the cursor past them. A worker killed
mid-batch rolls that batch back with its cursor; the beat's sweep publishes the job again once its
heartbeat is older than STALE_SECONDS, and the next run starts after the last committed ticket:
no ticket is done twice, none skipped. A task runs for at most RUN_SECONDS, then publishes the
next run, so a long job never reaches the task time limit and other tasks get the worker between.
"""

import logging
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from kombu.exceptions import OperationalError as BrokerError

from notifications import outbox
from tickets.events import Actor, ServiceError, record_event
from tickets.models import Ticket, TicketEvent
from tickets.services import add_agent_message, change_status

from .models import Incident, IncidentJob

logger = logging.getLogger(__name__)

State = IncidentJob.State


def batch_size() -> int:
    return settings.INCIDENT_JOB_BATCH_SIZE


def run_seconds() -> float:
    return settings.INCIDENT_JOB_RUN_SECONDS


STALE_SECONDS = 120
MAX_FAILURES = 5


def publish(job_id: int) -> bool:
    from . import tasks

    try:
        tasks.run_incident_job_task.delay(job_id)
    except BrokerError as error:
        logger.warning("broker unavailable (%s); incident job %s left to the sweep", error, job_id)
        return False
    return True


def publish_on_commit(job_id: int) -> None:
    transaction.on_commit(partial(publish, job_id))


def reply_text(incident: Incident, update, language: str) -> str:
    """The templated public reply, in the ticket's language."""
    with override(language):
        title = incident.title(language)
        message = update.message(language) if update is not None else incident.message(language)
        # The update's own status: an older update sent late must not say "fixed".
        fixed = (update.status if update is not None else incident.status) == (
            Incident.Status.RESOLVED
        )
        if fixed:
            head = _("The problem affecting your request has been fixed: %(title)s.")
        else:
            head = _("An update on the problem affecting your request: %(title)s.")
        tail = (
            _("If something is still wrong, reply to this message and we will look at it.")
            if fixed
            else _("You do not need to do anything; we will update you again.")
        )
        return f"{head % {'title': title}}\n\n{message}\n\n{tail}"


def _apply(job: IncidentJob, ticket: Ticket, incident: Incident) -> None:
    update = job.update
    by = update.posted_by if update is not None else job.created_by
    if job.kind == IncidentJob.Kind.RESOLVE:
        # Resumes its SLA timers when nothing else below changes the ticket.
        record_event(
            ticket,
            TicketEvent.Kind.INCIDENT,
            Actor.agent(by) if by else Actor.system(),
            field="incident_status",
            old=ticket.incident_id,
            new=Incident.Status.RESOLVED,
            data={"job": job.pk},
        )
    target = None
    if job.kind == IncidentJob.Kind.RESOLVE and job.outcome != IncidentJob.Outcome.LEAVE:
        target = job.outcome
        if not ticket.can_move_to(target) or ticket.status == target:
            target = None
    notify = job.kind == IncidentJob.Kind.NOTIFY or (update is not None and update.notify_customers)
    if notify and by is None:
        # Whoever posted it has been deleted since: a reply needs an author.
        raise ServiceError(_("Nobody to sign the reply: the update's author no longer exists."))
    if notify:
        add_agent_message(
            ticket=ticket,
            agent=by,
            body=reply_text(incident, update, ticket.language),
            set_status=target,
        )
    elif target is not None:
        change_status(ticket=ticket, status=target, by=Actor.agent(by) if by else Actor.system())


def run_batch(job_id: int) -> str:
    """One batch; "done", "more", "busy" (another worker holds the job) or "finished"."""
    now = timezone.now()
    with transaction.atomic():
        job = (
            # Only the job row: the joined update and users are nullable (outer joins, which
            # PostgreSQL cannot lock).
            IncidentJob.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("incident", "update__posted_by", "created_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None:
            exists = IncidentJob.objects.filter(pk=job_id).exists()
            return "busy" if exists else "finished"
        if job.is_finished:
            return "finished"
        tickets = list(job.tickets().select_for_update()[: batch_size()])
        if not tickets and job.kind == IncidentJob.Kind.RESOLVE and not job.final_pass:
            job.final_pass, job.cursor = True, 0
            tickets = list(job.tickets().select_for_update()[: batch_size()])
            if not tickets:
                job.save(update_fields=["final_pass", "cursor"])
        if not tickets:
            job.state = State.DONE
            job.finished_at = job.heartbeat_at = now
            job.save(update_fields=["state", "finished_at", "heartbeat_at"])
            logger.info("incident job %s done: %s tickets", job.pk, job.done)
            return "done"
        if job.state == State.QUEUED:
            job.state = State.RUNNING
            job.started_at = now
        with outbox.batch() as emails:
            for ticket in tickets:
                written = len(emails.rows)
                try:
                    with transaction.atomic():
                        _apply(job, ticket, job.incident)
                except Exception as error:
                    # This ticket's change is rolled back (its savepoint) with the emails it
                    # added to the batch; the others go on. A ticket moved meanwhile (closed by
                    # a merge) is a ServiceError; anything else is a bug, logged with its trace.
                    del emails.rows[written:]
                    job.skipped += 1
                    if isinstance(error, ServiceError):
                        job.last_error = f"{ticket.reference}: {error}"[:1000]
                        logger.info("incident job %s: %s skipped: %s", job.pk, ticket, error)
                    else:
                        # Only the kind of error on the page: a database error can quote rows.
                        job.last_error = f"{ticket.reference}: {type(error).__name__}"
                        logger.exception("incident job %s: %s failed", job.pk, ticket.reference)
        job.cursor = tickets[-1].pk
        job.failures = 0
        job.done += len(tickets)
        job.total = max(job.total, job.done)
        job.heartbeat_at = timezone.now()
        job.save(
            update_fields=[
                *("state", "started_at", "cursor", "done", "total", "heartbeat_at"),
                *("skipped", "last_error", "final_pass", "failures"),
            ]
        )
    return "more"


def run(job_id: int) -> str:
    """Batches for up to run_seconds(), then the next run is published."""
    deadline = time.monotonic() + run_seconds()
    while True:
        try:
            result = run_batch(job_id)
        except Exception as error:
            _failed(job_id, error)
            raise
        if result != "more":
            return result
        if time.monotonic() >= deadline:
            publish(job_id)
            return "continued"


def _failed(job_id: int, error: Exception) -> None:
    """A batch that failed as a whole (rolled back): counted; after MAX_FAILURES in a row the
    job stops as failed, shown on the incident page, instead of being retried for ever."""
    job = IncidentJob.objects.filter(pk=job_id).first()
    if job is None:
        return
    job.failures += 1
    job.last_error = f"{type(error).__name__} (the worker's log has the details)"
    if job.failures >= MAX_FAILURES:
        job.state = State.FAILED
        job.finished_at = timezone.now()
        logger.error("incident job %s failed %s times in a row: stopped", job_id, job.failures)
    job.save(update_fields=["failures", "last_error", "state", "finished_at"])


def sweep(*, now=None) -> int:
    """Every minute (beat): publish jobs whose worker died or whose message was lost."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=STALE_SECONDS)
    ids = list(
        IncidentJob.objects.filter(state__in=[State.QUEUED, State.RUNNING])
        .exclude(heartbeat_at__gte=stale)
        .exclude(heartbeat_at__isnull=True, created_at__gte=stale)
        .values_list("pk", flat=True)[:50]
    )
    for pk in ids:
        publish(pk)
    return len(ids)
