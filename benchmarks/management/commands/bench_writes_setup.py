"""What the write benchmark (bench_writes) needs from one *_bench database, printed as JSON:
signed-in sessions of a customer and an agent, tickets for each to answer, and the SQL queries
each write costs (counted in this process through Django's whole stack, in a transaction
rolled back afterwards).

It tops the database up to --tickets tickets first (generate_tickets, once)."""

import contextlib
import json
import uuid

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment

from benchmarks.measure import add_database_arguments, prepare_database
from tickets import services
from tickets.models import Queue, Ticket, User

AGENT_EMAIL = "bench-payments-0@bench.invalid"
CUSTOMER_EMAIL = "bench-customer@bench.invalid"
CSRF_TOKEN = "b" * 32
# What a customer of a failed QRIS payment gives: the web form's fields, the API's `details`.
DETAILS = {
    "transaction_reference": "TRX-20261121-8F3K2Q",
    "amount": "45.000",
    "currency": "IDR",
    "occurred_at": "2026-11-21T08:14",
    "payment_method": "qris",
    "merchant": "Kedai Kopi Senopati",
}
SUBJECT = "Bayar QRIS gagal tapi saldo terpotong"
DESCRIPTION = "Saldo berkurang Rp45.000 tapi kasir bilang belum masuk."
PAYMENT_FAILED = {"subject": SUBJECT, "description": DESCRIPTION, "name": "Andi", **DETAILS}
API_TICKET = {
    "category": "payment_failed",
    "subject": SUBJECT,
    "description": DESCRIPTION,
    "name": "Tamu",
    "details": DETAILS,
}


def web_form(email: str) -> dict:
    return {**PAYMENT_FAILED, "email": email, "idempotency_token": str(uuid.uuid4())}


def api_body(email: str) -> dict:
    return {**API_TICKET, "email": email}


class Command(BaseCommand):
    help = "Prepare a *_bench database for bench_writes and print what it needs as JSON."

    def add_arguments(self, parser) -> None:
        add_database_arguments(parser)
        parser.add_argument("--replies", type=int, default=400, help="tickets to answer, each")

    def handle(self, *args, **options) -> None:
        with contextlib.redirect_stdout(self.stderr):
            prepare_database(
                self,
                tickets=options["tickets"],
                any_database=options["any_database"],
                wipes="takes tickets for a bench customer",
            )
        agent = User.objects.get(email=AGENT_EMAIL)
        customer = self.customer()
        queue = Queue.objects.get(slug="payments")
        working = Ticket.objects.filter(queue=queue, status__in=["open", "pending_customer"])
        count = options["replies"]
        mine = list(
            working.filter(requester=customer.contact).values_list("reference", flat=True)[:count]
        )
        if len(mine) < count:
            more = list(
                working.exclude(requester=customer.contact)
                .order_by("-pk")
                .values_list("pk", flat=True)[: count - len(mine)]
            )
            Ticket.objects.filter(pk__in=more).update(requester=customer.contact)
            mine += list(Ticket.objects.filter(pk__in=more).values_list("reference", flat=True))
        theirs = list(
            working.exclude(requester=customer.contact)
            .order_by("-pk")
            .values_list("reference", flat=True)[:count]
        )
        report = {
            "tickets": Ticket.objects.count(),
            "customer_session": self.session(customer),
            "agent_session": self.session(agent),
            "customer_tickets": mine,
            "agent_tickets": theirs,
            "csrf": CSRF_TOKEN,
            "queries": self.query_counts(customer, agent, mine[0], theirs[0]),
        }
        self.stdout.write(json.dumps(report))

    def customer(self) -> User:
        user = User.objects.filter(email=CUSTOMER_EMAIL).first()
        if user is None:
            user = User.objects.create_user(CUSTOMER_EMAIL, None, name="Bench Customer")
        services.customer_contact(user)
        user.refresh_from_db()
        return user

    def session(self, user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    def query_counts(self, customer: User, agent: User, mine: str, theirs: str) -> dict:
        with contextlib.suppress(RuntimeError):
            setup_test_environment()
        works = {
            "web submission": lambda client: client.post(
                "/tickets/new/payment_failed/", web_form(f"{uuid.uuid4().hex}@bench.invalid")
            ),
            "API create": lambda client: client.post(
                "/api/v1/tickets/",
                api_body(f"{uuid.uuid4().hex}@bench.invalid"),
                content_type="application/json",
            ),
            "customer reply": lambda client: client.post(
                f"/tickets/{mine}/reply/", {"body": "Masih belum masuk, tolong dicek."}
            ),
            "agent reply": lambda client: client.post(
                f"/staff/tickets/{theirs}/reply/",
                {"body": "Kami cek ya.", "kind": "public", "seen": 2**31 - 1},
                HTTP_HX_REQUEST="true",
            ),
        }
        users = {"customer reply": customer, "agent reply": agent}
        counts = {}
        # Committed as in production (no enclosing transaction turning each into a savepoint):
        # four tickets and four replies more in a throw-away database.
        for name, work in works.items():
            client = Client()
            if name in users:
                client.force_login(users[name])
            work(client)  # warm
            with CaptureQueriesContext(connection) as queries:
                response = work(client)
            if response.status_code >= 400:
                raise RuntimeError(f"{name} answered {response.status_code}")
            counts[name] = len(queries)
        return counts
