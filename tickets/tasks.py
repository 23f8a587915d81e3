"""Celery tasks of the ticket domain; the SLA's and the outbox's are in sla.tasks and
notifications.tasks (under their old names)."""

from celery import shared_task

from .pending_uploads import delete_expired
from .services import send_access_link_if_matching


@shared_task
def send_access_link_task(reference: str, email: str) -> bool:
    """A fresh link asked for on /tickets/link/, looked up here and not in the request: the
    page answers in the same time whether the reference and the address match."""

    return send_access_link_if_matching(reference=reference, email=email)


@shared_task
def delete_expired_uploads_task() -> int:
    """Files kept for a ticket form that was never sent (tickets.pending_uploads), once they
    are older than KEEP_FOR."""
    return delete_expired()
