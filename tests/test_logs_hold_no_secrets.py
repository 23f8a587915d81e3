"""The logs of the processes production runs: gunicorn (access and error log, with
deploy/gunicorn.conf.py), Django inside it, and a Celery worker delivering the receipt by SMTP.
A card number typed into the subject field, an OTP in the description, what was typed into the
FAQ search and the guest link's token appear in none of their lines (docs/redaction.md)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.notifications.mailserver import MailServer, free_port
from tests.notifications.processes import PrivateRedis, WorkerProcess, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parent.parent
CARD = "4111 1111 1111 1111"
OTP = "551234"
SEARCH = "saldo terpotong 4012888888881881"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """DEBUG off serves hashed static files: collect them once for this module."""
    root = tmp_path_factory.mktemp("static")
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "false", "STATIC_ROOT": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return root


@pytest.fixture
def production(static_root, tmp_path):
    """gunicorn with the production config and a prefork Celery worker, on this test's
    database, a private Redis and a local SMTP server; yields (base URL, the SMTP recorder,
    a function returning everything the processes printed)."""
    db = connection.settings_dict
    redis = PrivateRedis()
    redis.start()
    mail = MailServer()
    mail.__enter__()
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "LOG_LEVEL": "DEBUG",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis.url,
        "STATIC_ROOT": str(static_root),
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail.port),
        "EMAIL_USE_TLS": "false",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        # Plain HTTP on loopback: the cookies cannot be Secure-only here.
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }
    worker = WorkerProcess(env).start()
    web_log = tmp_path / "gunicorn.log"
    with web_log.open("w") as log:
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "helpdesk.asgi",
             "--config", "deploy/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return requests.get(f"{base}/healthz", timeout=1).status_code < 500
        except requests.RequestException:
            return False

    try:
        wait_until(lambda: answers() or web.poll() is not None, 60, what="gunicorn")
        assert web.poll() is None, web_log.read_text()
        yield base, mail.recorder, lambda: web_log.read_text() + worker.output()
    finally:
        web.terminate()
        web.wait(15)
        worker.stop()
        mail.__exit__(None, None, None)
        redis.stop()


def test_a_card_typed_into_the_subject_reaches_no_log_line(production):
    base, mail, printed = production
    browser = requests.Session()
    form = browser.get(f"{base}/tickets/new/payment_failed/", timeout=10)
    token = re.search(r'name="idempotency_token" value="([^"]+)"', form.text).group(1)
    csrf = browser.cookies["csrftoken"]

    # The suggestions as the customer types, the FAQ search box, an old-style search link.
    browser.post(
        f"{base}/help/suggest/",
        {"subject": f"Kartu {CARD}", "topic": "payment_failed", "csrfmiddlewaretoken": csrf},
        headers={"HX-Request": "true"},
        timeout=10,
    )
    browser.post(f"{base}/help/search/", {"q": SEARCH, "csrfmiddlewaretoken": csrf}, timeout=10)
    browser.get(f"{base}/help/search/", params={"q": SEARCH}, timeout=10)
    sent = browser.post(
        f"{base}/tickets/new/payment_failed/",
        {
            "csrfmiddlewaretoken": csrf,
            "idempotency_token": token,
            "subject": f"Kartu {CARD} ditolak",
            "description": f"Kode OTP saya {OTP}, saldo terpotong.",
            "transaction_reference": "TRX-20261121-8F3K2Q",
            "amount": "45.000",
            "currency": "IDR",
            "occurred_at": "2026-11-21T08:14",
            "payment_method": "qris",
            "merchant": "Kedai Kopi Senopati",
            "email": "guest@example.net",
            "name": "Andi",
        },
        timeout=30,
    )
    assert sent.status_code == 200, sent.text[-2000:]
    assert "ticket-reference" in sent.text
    wait_until(lambda: mail.messages, 60, what="the receipt by SMTP")
    receipt = mail.messages[0]
    link = re.search(r"(/t/[^/\s]+/)", receipt.get_body(("plain",)).get_content()).group(1)
    opened = requests.get(f"{base}{link}", timeout=10)
    assert opened.status_code == 200

    logs = printed()
    assert "GET /help/search/" in logs
    assert "POST /tickets/new/payment_failed/" in logs
    assert "ticket GP-" in logs  # Django's own log line made it out
    assert "Task tickets" in logs or "succeeded" in logs  # and the worker's
    for secret in (CARD, CARD.replace(" ", ""), OTP, "4012888888881881", "saldo terpotong"):
        assert secret not in logs, [line for line in logs.splitlines() if secret in line]
    assert link not in logs, logs
    assert link.split("/")[2] not in logs
    assert "?q=" not in logs
    assert CARD not in str(receipt)


def test_the_routine_sweeps_do_not_fill_the_log():
    import logging

    from helpdesk.logging import RoutineTasksFilter

    def record(name: str, message: str, level: int = logging.INFO) -> logging.LogRecord:
        return logging.LogRecord(name, level, __file__, 1, message, (), None)

    routine = RoutineTasksFilter()

    assert not routine.filter(
        record(
            "celery.beat", "Scheduler: Sending due task sla-sweep (tickets.tasks.sla_sweep_task)"
        )
    )
    assert not routine.filter(
        record("celery.app.trace", "Task tickets.tasks.sweep_outbox_task[1] succeeded in 0.01s")
    )
    assert routine.filter(
        record("celery.app.trace", "Task tickets.tasks.deliver_notification_task[1] succeeded")
    )
    assert routine.filter(
        record("celery.app.trace", "Task tickets.tasks.sla_sweep_task[1] raised", logging.ERROR)
    )
    assert routine.filter(record("sla.sweep", "SLA sweep: 1 warned"))
