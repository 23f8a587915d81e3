"""Writes cost the same whatever the size of the desk (issue "Fast writes"): the queries of a
web submission, an API creation, a customer reply and an agent reply are the same with 100
tickets as with 10,000, and none of them scans a big table (PostgreSQL, EXPLAIN with sequential
scans discouraged: a plan that still scans has no index to use).

The benchmark (`make bench-writes`) measures the cost at 100,000 and a million tickets; this
keeps the shape of the work from growing with the data."""

import json
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import make_client
from tests.api.test_create_ticket import GUEST
from tests.portal.conftest import VALID, as_guest
from tests.staff.conftest import htmx
from tickets import services
from tickets.models import Contact, Queue, Ticket, User

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# Tables that grow with the desk: a plan may read them only through an index.
BIG_TABLES = {
    "tickets_ticket",
    "tickets_contact",
    "tickets_message",
    "tickets_ticketevent",
    "tickets_notification",
    "tickets_slatimer",
    "tickets_user",
    "tickets_attachment",
    "tickets_inboundemail",
    "api_webhookdelivery",
    "django_session",
}


@pytest.fixture(autouse=True)
def _no_rate_limits_left_over():
    cache.clear()  # each test submits several times from one address


def desk(size: int) -> None:
    """A desk of `size` tickets with their contacts, messages and agents (generate_tickets)."""
    call_command("generate_tickets", str(size), "--seed", "3", stdout=StringIO())


# Each write prepares what it needs and returns the request to measure.


def web_submission(client: Client):
    data = as_guest(VALID["payment_failed"], email=f"{uuid.uuid4().hex[:8]}@example.net")
    return lambda: client.post("/tickets/new/payment_failed/", data).status_code == 302


def web_submission_known_customer(client: Client):
    contact = Contact.objects.order_by("pk")[5]
    data = as_guest(VALID["payment_failed"], email=contact.email.upper())
    return lambda: client.post("/tickets/new/payment_failed/", data).status_code == 302


def api_creation(client: Client):
    body = {**GUEST, "email": f"{uuid.uuid4().hex[:8]}@example.com"}
    api = make_client()
    return lambda: api.post("/api/v1/tickets/", body, format="json").status_code == 201


def _payments_ticket() -> tuple[Ticket, User]:
    agent = User.objects.get(email="bench-payments-0@bench.invalid")
    queue = Queue.objects.get(slug="payments")
    ticket = services.create_ticket(
        requester=services.get_or_create_contact(email="siti@example.com", name="Siti"),
        category="payment_failed",
        subject="QRIS gagal",
        body="Saldo terpotong.",
    )
    Ticket.objects.filter(pk=ticket.pk).update(queue=queue)
    return ticket, agent


def customer_reply(client: Client):
    ticket, _agent = _payments_ticket()
    customer = User.objects.create_user(f"{uuid.uuid4().hex[:8]}@example.net", "pw", is_active=True)
    Ticket.objects.filter(pk=ticket.pk).update(
        requester=services.get_or_create_contact(email=customer.email)
    )
    Contact.objects.filter(email=customer.email).update(user=customer)
    client.force_login(customer)
    path = f"/tickets/{ticket.reference}/reply/"
    return lambda: client.post(path, {"body": "Masih belum masuk."}).status_code == 302


def agent_reply(client: Client):
    ticket, agent = _payments_ticket()
    client.force_login(agent)
    path = f"/staff/tickets/{ticket.reference}/reply/"
    data = {"body": "Kami cek ya.", "kind": "public", "seen": ticket.messages.last().pk}
    return lambda: client.post(path, data, **htmx()).status_code == 200


def staff_search_by_email(client: Client):
    agent = User.objects.get(email="bench-payments-0@bench.invalid")
    client.force_login(agent)
    email = Contact.objects.order_by("pk")[7].email.upper()
    return lambda: client.get(f"/staff/queue/?q={email}&view=all").status_code == 200


WRITES = [
    web_submission,
    web_submission_known_customer,
    api_creation,
    customer_reply,
    agent_reply,
]


def queries_of(action) -> list[str]:
    client = Client()
    assert action(client)()  # warm: sessions, caches, first-use lookups
    request = action(client)
    with CaptureQueriesContext(connection) as captured:
        assert request()
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.postgres
@pytest.mark.parametrize("action", WRITES, ids=lambda action: action.__name__)
def test_a_write_runs_the_same_queries_at_100_and_at_10000_tickets(action):
    desk(100)
    small = len(queries_of(action))
    desk(9_900)
    assert Ticket.objects.count() >= 10_000

    large = len(queries_of(action))

    assert small == large


def full_scans(node: dict, partial: set[str], limited: bool = False) -> set[str]:
    """Big tables this plan reads whole: a sequential scan, or an index scan without a
    condition on the index (the planner's way round a missing index when sequential scans are
    off), filtering rows or not bounded by a LIMIT. A partial index is bounded by its own
    predicate (pending rows, emails that came in)."""
    limited = limited or node["Node Type"] == "Limit"
    found = set()
    table = node.get("Relation Name")
    if table in BIG_TABLES:
        whole_index = (
            node["Node Type"] in ("Index Scan", "Index Only Scan")
            and "Index Cond" not in node
            and node.get("Index Name") not in partial
            and ("Filter" in node or not limited)
        )
        if node["Node Type"] == "Seq Scan" or whole_index:
            found.add(table)
    for child in node.get("Plans", []):
        found |= full_scans(child, partial, limited)
    return found


@pytest.mark.postgres
@pytest.mark.parametrize(
    "action", [*WRITES, staff_search_by_email], ids=lambda action: action.__name__
)
def test_no_write_reads_a_big_table_whole(action):
    desk(2_000)
    statements = [
        sql
        for sql in queries_of(action)
        if sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH"))
    ]
    scans = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%% WHERE %%'")
        partial = {name for (name,) in cursor.fetchall()}
        cursor.execute("SET enable_seqscan = off")
        try:
            for sql in statements:
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                for table in full_scans(plan[0]["Plan"], partial):
                    scans.setdefault(table, sql[:300])
        finally:
            cursor.execute("SET enable_seqscan = on")

    assert scans == {}


def test_case_insensitive_matching_has_one_spelling():
    """`field__lower=value.lower()` (an index on LOWER(field) serves it); `__iexact` becomes
    UPPER(field) = UPPER(value) on PostgreSQL, which no index serves."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in ("tickets", "notifications", "sla", "faq", "api", "portal", "staff", "helpdesk")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "__iexact" in line and not line.lstrip().startswith(("#", "which", "on PostgreSQL"))
    ]

    assert offenders == []
