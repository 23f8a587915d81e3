import pytest
from celery import Celery
from django.db import OperationalError

from helpdesk import views


@pytest.mark.django_db
def test_it_answers_200_when_the_database_and_broker_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_stays_up_but_degraded_naming_a_broker_that_does_not_answer(client, monkeypatch):
    # Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    # set_as_current=False: a Celery() made current would capture every shared_task used later.
    broken = Celery(broker="redis://127.0.0.1:9/0", set_as_current=False)
    monkeypatch.setattr(views, "celery_app", broken)

    response = client.get("/healthz")

    # The web still takes tickets (the outbox keeps their emails): keep sending customers here.
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"] == {"database": "ok", "broker": "unavailable", "cache": "ok"}


@pytest.mark.django_db
def test_it_answers_503_naming_a_database_that_does_not_answer(client, monkeypatch):
    def broken_cursor():
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"


@pytest.mark.redis
@pytest.mark.django_db
def test_a_cache_that_does_not_answer_fails_open_and_is_counted(client, settings):
    from helpdesk import cache as fail_open

    settings.CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens: refused at once
        }
    }
    before = fail_open.degraded_calls()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == "unavailable"
    assert fail_open.degraded_calls() > before
    fail_open._down_until = 0.0  # the next test's cache is up
