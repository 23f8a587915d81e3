"""Personas, service markers and the real Celery worker.

Tests marked `postgres` or `redis` need that real service: without it they are skipped with the
reason (locally) or fail (CI=true), so a green CI run always means they ran.
"""

import os

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import translation

from helpdesk.celery import app as celery_app
from sla.defaults import ensure_default_policy
from tests.factories import ContactFactory, TicketFactory, UserFactory
from tickets import config_cache, roles
from tickets.defaults import ensure_default_queues
from tickets.models import Category, Queue, QueueMembership, SLAPolicy

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = "/usr/bin/chromium"
MISSING = set(filter(None, os.environ.get("HELPDESK_TEST_MISSING_SERVICES", "").split(",")))


# Playwright's sync API keeps an event loop on the main thread for the whole session, once the
# first browser test ran; the ORM calls of every later test there are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    from django.conf import settings

    # The suite does not run collectstatic: serve static files from the apps, unhashed.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


def _service_unavailable(name: str, reason: str) -> None:
    if CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _require_services(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _service_unavailable("postgres", "needs PostgreSQL (make test starts or finds one)")
    if request.node.get_closest_marker("redis") and (
        "redis" in MISSING or not os.environ.get("REDIS_URL")
    ):
        _service_unavailable("redis", "needs Redis (make test starts or finds one)")


@pytest.fixture(autouse=True)
def _english():
    """Tests read messages in English unless they choose a language (the site default is id)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """A browser whose Accept-Language is English, so tests can read messages; a test that
    sends another Accept-Language or sets the language cookie wins over it."""
    from django.test import Client

    return Client(headers={"Accept-Language": "en"})


@pytest.fixture
def client_factory():
    """More browsers, for tests with several people (each prefers English)."""
    from django.test import Client

    def make() -> Client:
        return Client(headers={"Accept-Language": "en"})

    return make


@pytest.fixture(autouse=True)
def _reference_rows(request):
    """The rows migrations create (queues, categories, role groups, the office-hours calendar
    and the default SLA policy) exist in every DB test.

    A transactional test (live server, live worker, threads) ends with a flush that removes
    them; whichever test runs next finds them again here, whatever the order.
    """
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("db")
        if not Category.objects.exists() or not Group.objects.exists():
            ensure_default_queues(Queue, Category)
            roles.sync_role_groups()
        if not SLAPolicy.objects.filter(is_default=True).exists():
            # The office-hours calendar and the default policy (migration tickets 0008).
            ensure_default_policy(apps.get_model, time_zone=settings.TIME_ZONE)


@pytest.fixture(autouse=True)
def _configuration_read_afresh():
    # A rolled-back test sends no signal: the next one must not see its SLA policies, topics
    # or webhook endpoints in a process copy.
    config_cache.forget_all()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Staff sign in without a second factor (client.force_login everywhere); the tests of
    two-step sign-in (tests/staff/test_two_factor.py) turn STAFF_TWO_FACTOR on."""
    settings.STAFF_TWO_FACTOR = "off"


@pytest.fixture(autouse=True)
def _eager_celery():
    # Tasks run inline unless a test asks for the real worker (live_worker below).
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def live_worker(transactional_db):
    """A real Celery worker consuming from the real Redis broker, in threads of this process.

    Needs committed data (transactional_db): the worker's threads use their own connections.
    """
    from celery.contrib.testing.worker import start_worker

    if "redis" in MISSING or not os.environ.get("REDIS_URL"):
        _service_unavailable("redis", "the live worker needs the Redis broker")
    celery_app.conf.task_always_eager = False
    with start_worker(
        celery_app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="INFO"
    ) as worker:
        yield worker


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright drives Debian's Chromium; no browser download, no background traffic."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# Personas. Queues: "payments" (where most tests happen) and "refunds" (someone else's).


@pytest.fixture
def payments(db) -> Queue:
    return Queue.objects.get(slug="payments")


@pytest.fixture
def refunds(db) -> Queue:
    return Queue.objects.get(slug="refunds")


def _staff(role: str, queue: Queue | None = None, *, lead: bool = False, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role))
    if queue is not None:
        QueueMembership.objects.create(queue=queue, user=user, is_lead=lead)
    return user


@pytest.fixture
def customer(db):
    """A signed-up customer with a contact: sees their own tickets and nothing else."""
    user = UserFactory(name="Siti Customer")
    ContactFactory(email=user.email, user=user, name=user.name)
    return user


@pytest.fixture
def other_customer(db):
    """Another signed-up customer, who must never see `customer`'s tickets."""
    user = UserFactory(name="Other Customer")
    ContactFactory(email=user.email, user=user, name=user.name)
    return user


@pytest.fixture
def agent(payments):
    """An agent of the payments queue."""
    return _staff(roles.AGENT, payments, name="Budi Agent")


@pytest.fixture
def agent_of_other_queue(refunds):
    """An agent of the refunds queue only: payments tickets are not theirs to see."""
    return _staff(roles.AGENT, refunds, name="Rudi Refunds")


@pytest.fixture
def lead(payments):
    """The lead of the payments queue."""
    return _staff(roles.LEAD, payments, lead=True, name="Rina Lead")


@pytest.fixture
def admin_user(db):
    """An admin: sees everything, runs the Django admin."""
    return _staff(roles.ADMIN, is_staff=True, is_superuser=True, name="Ayu Admin")


# The test client signed in as each staff role.


@pytest.fixture
def as_agent(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def as_lead(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def ticket(customer, payments):
    """A new payments ticket filed by `customer`."""
    return TicketFactory(requester=customer.contact, queue=payments)
