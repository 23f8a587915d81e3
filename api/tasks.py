from celery import shared_task

from . import webhooks


@shared_task
def deliver_webhook_task(delivery_id: int) -> str:
    """POST one webhook delivery, at most once per attempt; retries are scheduled on the row."""
    return webhooks.deliver(delivery_id)


@shared_task
def sweep_webhooks_task() -> int:
    """Every minute (beat): publish deliveries no worker took."""
    return webhooks.sweep()
