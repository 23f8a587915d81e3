import pytest
from celery import Celery
from django.db import OperationalError

from helpdesk import views


@pytest.mark.django_db
def test_it_answers_200_when_the_database_and_broker_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_503_naming_a_broker_that_does_not_answer(client, monkeypatch):
    # Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    # set_as_current=False: a Celery() made current would capture every shared_task used later.
    broken = Celery(broker="redis://127.0.0.1:9/0", set_as_current=False)
    monkeypatch.setattr(views, "celery_app", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "unavailable"}


@pytest.mark.django_db
def test_it_answers_503_naming_a_database_that_does_not_answer(client, monkeypatch):
    def broken_cursor():
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"
