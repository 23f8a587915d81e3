"""A real Celery worker takes tasks from the real Redis broker."""

import logging
import time

import pytest
from django.urls import reverse

pytestmark = pytest.mark.redis


def _wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_it_runs_the_test_task_the_admin_sends_from_the_web(
    client, admin_user, live_worker, caplog
):
    caplog.set_level(logging.INFO, logger="helpdesk.tasks")
    client.force_login(admin_user)

    response = client.post(reverse("ping-worker"), follow=True)

    assert response.status_code == 200
    assert "Test task" in response.content.decode()
    assert _wait_for(lambda: "ping from web (" in caplog.text), caplog.text


def test_it_runs_the_beat_heartbeat_task(live_worker, caplog):
    from helpdesk.tasks import heartbeat_task

    caplog.set_level(logging.INFO, logger="helpdesk.tasks")

    heartbeat_task.delay()

    assert _wait_for(lambda: "heartbeat: beat and worker are alive" in caplog.text)


def test_it_refuses_the_test_task_button_to_non_admins(client, lead, live_worker):
    lead.is_staff = True
    lead.save(update_fields=["is_staff"])
    client.force_login(lead)

    response = client.post(reverse("ping-worker"))

    assert response.status_code == 403
