from celery import shared_task

from . import jobs


@shared_task
def run_incident_job_task(job_id: int) -> str:
    """Tell an incident's customers or resolve its tickets, in batches (incidents/jobs.py)."""
    return jobs.run(job_id)


@shared_task
def sweep_incident_jobs_task() -> int:
    """Every minute (beat): publish incident jobs no live worker is running."""
    return jobs.sweep()
