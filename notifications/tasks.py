"""Celery tasks of the notification outbox. Named as they were when they lived in tickets.tasks,
so the beat schedule and messages already queued keep finding them."""

from celery import shared_task

from . import delivery, outbox


@shared_task(name="tickets.tasks.deliver_notification_task")
def deliver_notification_task(notification_id: int) -> str:
    """Send one outbox notification, at most once; retries are scheduled on the row."""
    return delivery.deliver(notification_id)


@shared_task(name="tickets.tasks.sweep_outbox_task")
def sweep_outbox_task() -> None:
    """Every minute (beat): republish notifications no worker took, recover dead workers'."""
    outbox.sweep()
