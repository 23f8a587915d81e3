"""The staff workspace benchmark (issue 4): `make bench`, or
`DATABASE_URL=postgres://.../helpdesk_bench manage.py bench_staff`.

On a throw-away PostgreSQL database whose name ends in `_bench` (created, migrated and filled
with --tickets tickets by generate_tickets the first time, reused after), it requests the staff
pages the way a browser does, through Django's whole stack in this process (middleware, session,
access checks, queries, templates; Redis for the cache and presence), signed in as an agent of
the payments queue, and prints server time per page:

- the default queue view (open tickets of my queues, next deadline first);
- a filtered view (a status, a category and "nobody" as assignee);
- full-text searches over subjects and messages (common and rare words, in id, en and zh-hans);
- ticket pages of tickets across the agent's queue;
- the dashboard (open tickets of my queues counted by status, unassigned, breaching soon).

Each page is requested --rounds times after a warm-up; the figures are p50, p95 and max in
milliseconds. Then the number of SQL queries for 25 and 100 rows of the queue view, and for a
ticket with 3 and with 60 messages (inside a transaction rolled back afterwards), which must be
equal: the page size must not change the query count.

The audit log is on, as in production: each ticket page and each search writes its audit row
(one INSERT, counted in the SQL queries per request), and the figures include it.

It writes nothing that stays, apart from the generated tickets, the agent's sessions and the
audit rows of its reads (append-only: the retention purge removes them in time, like any other).
"""

import contextlib
import random
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.utils import timezone

from audit.models import AuditEntry
from benchmarks.measure import add_database_arguments, peak_rss_mb, percentile, prepare_database
from tickets.models import Message, Queue, Ticket, User

TARGET_P95_MS = 50
AGENT_EMAIL = "bench-payments-0@bench.invalid"
SEARCHES = [
    "refund",  # common: many thousands of matches
    "saldo terpotong",
    "Senopati",  # a merchant: rarer
    "QRIS",
    "退款",
    "xylophone",  # matches nothing: every candidate row is checked
]
FILTERED = "?status=open&category=payment_failed&assignee=nobody&priority=3&priority=4"


class Command(BaseCommand):
    help = "Benchmark the staff queue and ticket pages on a million tickets (a *_bench database)."

    def add_arguments(self, parser) -> None:
        add_database_arguments(parser)
        parser.add_argument("--rounds", type=int, default=200, help="requests per page")
        parser.add_argument("--seed", type=int, default=4)

    def handle(self, *args, **options) -> None:
        prepare_database(
            self,
            tickets=options["tickets"],
            any_database=options["any_database"],
            wipes="signs a bench agent in",
        )
        rounds = options["rounds"]
        if rounds < 1:
            raise CommandError("--rounds must be at least 1.")
        rng = random.Random(options["seed"])
        # The test client's host name "testserver" becomes allowed (unless the suite did it).
        with contextlib.suppress(RuntimeError):
            setup_test_environment()
        agent = self.agent()
        client = Client()
        client.force_login(agent)
        self.report_data(agent)

        pages = {
            "default queue view": ["/staff/queue/"],
            "filtered view": ["/staff/queue/" + FILTERED],
            "full-text search": [f"/staff/queue/?q={word}&view=all" for word in SEARCHES],
            "ticket page": [f"/staff/tickets/{ref}/" for ref in self.references(agent, rng)],
            "dashboard": ["/staff/"],
        }
        audited_before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        results = {name: self.measure(client, urls, rounds) for name, urls in pages.items()}
        counts = self.query_counts(client, agent)
        audited = AuditEntry.objects.filter(id__gt=audited_before or 0).count()

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Staff workspace benchmark"))
        self.stdout.write(
            f"  {Ticket.objects.count():,} tickets; {rounds} requests per page, server time in ms"
        )
        self.stdout.write(f"  {'page':<22}{'p50':>8}{'p95':>8}{'max':>8}")
        slow = []
        for name, by_url in results.items():
            samples = [ms for url_samples in by_url.values() for ms in url_samples]
            p95 = percentile(samples, 0.95)
            self.stdout.write(
                f"  {name:<22}{statistics.median(samples):8.1f}{p95:8.1f}{max(samples):8.1f}"
            )
            if p95 > TARGET_P95_MS:
                slow.append(name)
        self.stdout.write("  full-text search, each word (p50 and max, ms):")
        for word, url in zip(SEARCHES, pages["full-text search"], strict=True):
            word_samples = results["full-text search"][url]
            if not word_samples:  # fewer rounds than words
                continue
            self.stdout.write(
                f"    {word:<20}{statistics.median(word_samples):8.1f}{max(word_samples):8.1f}"
            )
        self.stdout.write("  SQL queries per request:")
        for label, count in counts.items():
            self.stdout.write(f"    {label:<36}{count:>4}")
        self.stdout.write(
            f"  audit log on: {audited:,} rows written (a row per ticket page and per search)"
        )
        self.stdout.write(f"  process peak RSS: {peak_rss_mb():.0f} MB")
        if counts["queue view, 25 rows"] != counts["queue view, 100 rows"] or (
            counts["ticket page, 3 messages"] != counts["ticket page, 60 messages"]
        ):
            raise CommandError("The query count depends on the page size.")
        if slow:
            self.stdout.write(
                self.style.WARNING(f"  over the {TARGET_P95_MS} ms p95 target: {', '.join(slow)}")
            )

    def agent(self) -> User:
        try:
            return User.objects.get(email=AGENT_EMAIL)
        except User.DoesNotExist:
            raise CommandError(
                f"No {AGENT_EMAIL}: the database was not filled by generate_tickets."
            ) from None

    def references(self, agent: User, rng: random.Random) -> list[str]:
        """Twenty tickets of the agent's queue picked across the id range (old and new)."""
        queue = Queue.objects.filter(memberships__user=agent).first()
        tickets = Ticket.objects.filter(queue=queue)
        low, high = tickets.order_by("pk")[0].pk, tickets.order_by("-pk")[0].pk
        references = []
        while len(references) < 20:
            start = rng.randint(low, high)
            found = tickets.filter(pk__gte=start).order_by("pk").values_list("reference")[:1]
            references.extend(ref for (ref,) in found)
        return references

    def report_data(self, agent: User) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('tickets_ticket')), "
                "pg_size_pretty(pg_total_relation_size('tickets_message'))"
            )
            ticket_size, message_size = cursor.fetchone()
        queue = Queue.objects.filter(memberships__user=agent).first()
        open_here = Ticket.objects.open().filter(queue=queue).count()
        self.stdout.write(
            f"Data: {Ticket.objects.count():,} tickets (table {ticket_size}), "
            f"{Message.objects.count():,} messages (table {message_size}); "
            f"signed in as {agent.email}, {open_here:,} open tickets in {queue.name}."
        )

    def measure(self, client: Client, urls: list[str], rounds: int) -> dict[str, list[float]]:
        """Server time in ms of each URL, requested in turn `rounds` times in all."""
        for url in urls:  # warm-up: connections, caches, templates
            self.get(client, url)
        samples = {url: [] for url in urls}
        for index in range(rounds):
            url = urls[index % len(urls)]
            started = time.perf_counter()
            self.get(client, url)
            samples[url].append((time.perf_counter() - started) * 1000)
        return samples

    def get(self, client: Client, url: str):
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise CommandError(f"GET {url} answered {response.status_code}.")
        return response

    def query_counts(self, client: Client, agent: User) -> dict[str, int]:
        counts = {}
        for rows in (25, 100):
            url = f"/staff/queue/?per_page={rows}"
            counts[f"queue view, {rows} rows"] = self.count(client, url)
        counts["full-text search"] = self.count(client, f"/staff/queue/?q={SEARCHES[0]}&view=all")
        ticket = (
            Ticket.objects.open()
            .filter(queue__memberships__user=agent, requester__isnull=False)
            .order_by("-pk")
            .first()
        )
        url = f"/staff/tickets/{ticket.reference}/"
        counts["ticket page, 3 messages"] = self.count(client, url)
        with transaction.atomic():
            now = timezone.now()
            Message.objects.bulk_create(
                Message(
                    ticket=ticket,
                    kind="internal" if n % 4 == 1 else "public",
                    author_type="agent" if n % 2 else "customer",
                    author_user=agent if n % 2 else None,
                    author_contact=None if n % 2 else ticket.requester,
                    body=f"Follow-up {n} on {ticket.reference}.",
                    source="web",
                    created_at=now,
                )
                for n in range(57)
            )
            counts["ticket page, 60 messages"] = self.count(client, url)
            transaction.set_rollback(True)
        return counts

    def count(self, client: Client, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            self.get(client, url)
        return len(queries)
