import shutil
from urllib.parse import quote

import pytest
from django.db import connection

from helpdesk.celery import app as celery_app
from notifications import outbox

from .mailserver import MailServer
from .processes import PrivateRedis, WorkerProcess


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas' passwords are hashed on creation; PBKDF2 would be most of these tests' time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _publishing_resumes():
    # A test that stops the broker pauses publishing in this process; the next starts afresh.
    outbox.resume_publishing()
    yield
    outbox.resume_publishing()


@pytest.fixture
def mail_server():
    """A real SMTP server on a free port (aiosmtpd, in a thread)."""
    with MailServer() as server:
        yield server


@pytest.fixture
def smtp(settings, mail_server):
    """Email goes by SMTP (our backend) to `mail_server`; returns what it records."""
    settings.EMAIL_BACKEND = "notifications.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mail_server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return mail_server.recorder


def _switch_broker(url: str) -> None:
    celery_app.conf.broker_url = url
    # Forget pooled connections to the old broker (what Celery does after a fork).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Lab:
    """A private redis-server, SMTP server and worker processes for one fault test."""

    def __init__(self, mail: MailServer) -> None:
        self.redis = PrivateRedis()
        self.mail = mail
        self.workers: list[WorkerProcess] = []
        db = connection.settings_dict
        credentials = quote(db["USER"] or "postgres") + (
            ":" + quote(db["PASSWORD"]) if db["PASSWORD"] else ""
        )
        self.env = {
            "DATABASE_URL": (
                f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                f"{db['NAME']}"
            ),
            # Each task closes its connection, so nothing holds the test database open.
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": self.redis.url,
            "REDIS_URL": self.redis.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(mail.port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_TIMEOUT": "5",
            "NOTIFICATION_RETRY_BASE_SECONDS": "1",
            "NOTIFICATION_UNCONFIRMED_RESEND_SECONDS": "0",
        }

    def start_worker(self, *, supervised: bool = False) -> WorkerProcess:
        import os

        worker = WorkerProcess({**os.environ, **self.env}, supervised=supervised).start()
        self.workers.append(worker)
        return worker

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.redis.stop()


@pytest.fixture
def lab(transactional_db, mail_server):
    """Private services; this process publishes to the private broker for the test."""
    if shutil.which("redis-server") is None:
        pytest.skip("the fault tests start their own redis-server, which is not installed")
    if connection.vendor != "postgresql":
        pytest.skip("the fault tests' worker process needs the PostgreSQL test database")
    lab = Lab(mail_server)
    lab.redis.start()
    previous = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    _switch_broker(lab.redis.url)
    try:
        yield lab
    finally:
        lab.close()
        _switch_broker(previous)
