"""Celery tasks of the privacy app."""

import logging

from celery import shared_task

from . import retention

logger = logging.getLogger(__name__)

# Under the soft time limit (60 s): what is left is done by a follow-up task.
SLICE_SECONDS = 40


@shared_task
def apply_retention_task() -> dict[str, int]:
    """The daily retention purge (CELERY_BEAT_SCHEDULE "retention")."""
    outcome = retention.apply(seconds=SLICE_SECONDS)
    logger.info("retention: %s%s", outcome.as_dict(), "" if outcome.finished else ", continuing")
    if not outcome.finished:
        apply_retention_task.delay()
    return outcome.as_dict()
