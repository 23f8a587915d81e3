import logging
from datetime import datetime

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task
def heartbeat_task() -> None:
    """Sent by beat every minute: its line in the worker log shows beat and worker are alive."""
    logger.info("heartbeat: beat and worker are alive at %s", timezone.now().isoformat())


@shared_task
def ping_task(sent_at: str, origin: str) -> None:
    """A test task the admin sends from the web process to check a worker picks tasks up."""
    delay = timezone.now() - datetime.fromisoformat(sent_at)
    logger.info("ping from %s received by the worker after %.2f s", origin, delay.total_seconds())
