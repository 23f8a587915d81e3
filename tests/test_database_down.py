"""PostgreSQL stops under a running gunicorn: the help centre answers a styled, translated 503
page with Retry-After (a form can be sent again from the browser), the API problem JSON 503
with Retry-After; when PostgreSQL is back, so is everything, with no restart."""

import pytest
import requests
from django.db import connection

from tests.api.test_create_ticket import GUEST
from tests.notifications.processes import Gunicorn, PrivatePostgres, collect_static
from tests.portal.conftest import VALID, as_guest

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

INDONESIAN = {"Accept-Language": "id"}


@pytest.fixture
def site(tmp_path):
    """gunicorn on a private PostgreSQL holding a copy of the test database."""
    db = connection.settings_dict
    postgres = PrivatePostgres().init()
    postgres.start()
    try:
        url = postgres.copy_database(
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}", "helpdesk"
        )
        web = Gunicorn(
            {
                "DATABASE_URL": url,
                "STATIC_ROOT": str(collect_static(tmp_path / "static")),
                "VAR_DIR": str(tmp_path / "var"),
                "REDIS_URL": "",
                "CELERY_BROKER_URL": "",
            },
            tmp_path / "gunicorn.log",
        ).start()
        yield web, postgres
        web.stop()
    finally:
        postgres.remove()


def test_it_answers_503_with_retry_after_while_the_database_is_down(site):
    web, postgres = site
    browser = requests.Session()
    form = browser.get(f"{web.base}/tickets/new/payment_failed/", headers=INDONESIAN, timeout=10)
    assert form.status_code == 200
    csrf = browser.cookies["csrftoken"]
    data = {**as_guest(VALID["payment_failed"]), "csrfmiddlewaretoken": csrf}

    # when PostgreSQL stops
    postgres.stop()
    page = browser.get(f"{web.base}/", headers=INDONESIAN, timeout=30)
    sent = browser.post(
        f"{web.base}/tickets/new/payment_failed/", data, headers=INDONESIAN, timeout=30
    )
    api = requests.post(
        f"{web.base}/api/v1/tickets/",
        # A valid request: validation needs no database (topics are kept in memory); the
        # creation does.
        json=GUEST,
        headers={"Accept-Language": "en"},
        timeout=30,
    )

    # then a page in the customer's language that says to try again, and problem JSON
    for response in (page, sent):
        assert response.status_code == 503, response.text[:500]
        assert response.headers["Retry-After"] == "30"
        assert 'lang="id"' in response.text
        assert "Silakan coba lagi sebentar lagi" in response.text
        assert "/static/css/base." in response.text  # styled, from the hashed static files
    assert "Kirim lagi" in sent.text  # what they typed goes again with the browser's reload
    assert api.status_code == 503
    assert api.headers["Content-Type"] == "application/problem+json"
    assert api.headers["Retry-After"] == "30"
    assert api.json()["type"].endswith("/api/problems/service-unavailable")

    # when PostgreSQL is back, the same request goes through
    postgres.start()
    again = browser.post(
        f"{web.base}/tickets/new/payment_failed/", data, headers=INDONESIAN, timeout=30
    )
    assert again.status_code == 200
    assert "ticket-reference" in again.text
