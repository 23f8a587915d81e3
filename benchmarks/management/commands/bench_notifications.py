"""Benchmark: notifications delivered per second to a local SMTP server by one Celery worker.

`make bench-notify` runs it (README "Notifications and email"). It needs the database and broker
the settings name, shared with a worker process: PostgreSQL and Redis for a meaningful figure.
It starts an SMTP server (aiosmtpd, a dev dependency) on a free port, writes COUNT pending
receipts (one ticket, the three languages in turn), publishes their delivery tasks to a queue of
its own, then starts one worker (prefork, --concurrency) on that queue. The rate is measured
between the first and the last email the SMTP server accepts, so it is the worker's steady
state: claim, render, send over SMTP, mark sent. Everything it wrote is deleted afterwards.
"""

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from notifications.tasks import deliver_notification_task
from tickets.models import Category, Contact, Message, Notification, Ticket
from tickets.models.tickets import generate_reference

QUEUE = "bench-notifications"
LANGUAGES = ["id", "en", "zh-hans"]


class _Counter:
    """An aiosmtpd handler that only counts and timestamps what it accepts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: list[float] = []
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.times.append(time.perf_counter())
            self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Command(BaseCommand):
    help = "Measure notifications delivered per second to a local SMTP server by one worker."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=1000, help="Notifications to send.")
        parser.add_argument(
            "--concurrency", type=int, default=1, help="The worker's prefork processes."
        )
        parser.add_argument("--timeout", type=float, default=600, help="Seconds to wait.")

    def handle(self, *args, count: int, concurrency: int, timeout: float, **options) -> None:
        try:
            from aiosmtpd.controller import Controller
        except ImportError:
            raise CommandError("The benchmark needs aiosmtpd: pip install -e '.[dev]'.") from None
        if connection.vendor == "sqlite" or settings.CELERY_BROKER_URL.startswith("filesystem"):
            self.stderr.write(
                "Warning: SQLite or the file broker; set DATABASE_URL and REDIS_URL for a "
                "figure that means something."
            )
        # aiosmtpd logs every SMTP command at INFO.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        counter = _Counter()
        port = _free_port()
        smtp = Controller(counter, hostname="127.0.0.1", port=port)
        smtp.start()
        ticket, ids = self._setup(count)
        worker = None
        try:
            for pk in ids:
                deliver_notification_task.apply_async((pk,), queue=QUEUE)
            worker, log = self._start_worker(port, concurrency)
            deadline = time.monotonic() + timeout
            while len(counter.times) < count and time.monotonic() < deadline:
                if worker.poll() is not None:
                    raise CommandError(f"The worker stopped:\n{Path(log).read_text()[-3000:]}")
                time.sleep(0.05)
            delivered = len(counter.times)
            if delivered < count:
                raise CommandError(f"Only {delivered} of {count} delivered in {timeout:.0f}s.")
            self._report(counter, count, concurrency)
        finally:
            if worker is not None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(30)
            smtp.stop()
            self._cleanup(ticket)

    def _setup(self, count: int) -> tuple[Ticket, list[int]]:
        run = secrets.token_hex(4)
        contact = Contact.objects.create(email=f"bench-{run}@example.invalid", name="Bench")
        category = Category.objects.order_by("position").first()
        ticket = Ticket.objects.create(
            reference=generate_reference(),
            subject="Benchmark: payment failed",
            category=category,
            queue=category.queue,
            priority=category.default_priority,
            requester=contact,
        )
        Message.objects.create(
            ticket=ticket,
            author_type=Message.Author.CUSTOMER,
            author_contact=contact,
            body="Benchmark message.",
            source=Message.Source.WEB,
        )
        now = timezone.now()
        Notification.objects.bulk_create(
            [
                Notification(
                    idempotency_key=f"bench:{run}:{i}",
                    template=Notification.Template.TICKET_CREATED,
                    audience=Notification.Audience.CUSTOMER,
                    ticket=ticket,
                    recipient=f"bench-{run}-{i}@example.invalid",
                    language=LANGUAGES[i % len(LANGUAGES)],
                    context={"reference": ticket.reference},
                    message_id=f"<{ticket.reference}.{run}{i:08x}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>",
                    next_attempt_at=now,
                    enqueued_at=now,
                    created_at=now,
                )
                for i in range(count)
            ],
            batch_size=1000,
        )
        ids = list(ticket.notifications.order_by("pk").values_list("pk", flat=True))
        return ticket, ids

    def _start_worker(self, port: int, concurrency: int) -> tuple[subprocess.Popen, str]:
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (the worker writes to it)
            prefix="bench-worker-", suffix=".log", delete=False
        )
        env = {
            **os.environ,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_USE_SSL": "false",
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "LOG_LEVEL": "WARNING",
        }
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "helpdesk", "worker",
                "--queues", QUEUE, "--pool", "prefork", "--concurrency", str(concurrency),
                "--without-heartbeat", "--without-mingle", "--without-gossip",
                "--hostname", f"bench-{os.getpid()}@%h", "--loglevel", "WARNING",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return worker, log.name

    def _report(self, counter: _Counter, count: int, concurrency: int) -> None:
        duplicates = count - len(set(counter.recipients))
        elapsed = counter.times[-1] - counter.times[0]
        rate = (count - 1) / elapsed if elapsed > 0 else float("inf")
        sent = Notification.objects.filter(
            idempotency_key__startswith="bench:", status=Notification.Status.SENT
        ).count()
        self.stdout.write(
            f"{count} notifications delivered to a local SMTP server by one worker "
            f"(prefork, concurrency {concurrency}) in {elapsed:.2f} s: {rate:.0f} per second. "
            f"Marked sent: {sent}; duplicates: {duplicates}."
        )

    def _cleanup(self, ticket: Ticket) -> None:
        contact = ticket.requester
        ticket.delete()  # its notifications and messages go with it
        contact.delete()
