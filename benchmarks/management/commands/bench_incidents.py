"""The incidents benchmark (issue 19): `make bench-incidents`, or
`DATABASE_URL=postgres://.../helpdesk_bench manage.py bench_incidents`.

In the million-ticket *_bench database of the other benchmarks (created, migrated and filled by
generate_tickets once, reused after), two measurements:

1. Resolving an incident with --linked (50,000) open linked tickets. The tickets are made fresh
   for the run in a queue of their own ("bench-incidents"), linked to a newly declared incident,
   then services.resolve() starts its job (resolve them, telling each customer in their
   language) and jobs.run_batch() runs it in this process until done, as a worker would, minus
   the broker hop between runs. Printed: tickets per second, total time, SQL queries per ticket
   and the batch size; then checked: every ticket resolved, with exactly one status event, one
   incident event and one email in the outbox each. The tickets, the incident and everything
   they wrote are deleted afterwards, so the run can be repeated on the same data.
2. Ticket creation (tickets.services.create_ticket, in this process) with three active incidents
   and with none, --creations tickets each, in alternating rounds, as tickets per second and
   their ratio; beside it a bare view through Django's whole stack in this process (the unit
   bench_writes counts in). A third of the tickets match one of the incidents and are linked.
   The created tickets and the incidents are deleted afterwards.

The delivery tasks the run publishes (one per email) are purged from the broker at the end: no
worker of a benchmark database should send them.
"""

import time
from contextlib import contextmanager
from itertools import cycle

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from benchmarks.measure import add_database_arguments, peak_rss_mb, prepare_database
from incidents import jobs, matching
from incidents import services as incident_services
from incidents.models import Incident, IncidentJob
from tickets import roles
from tickets.models import (
    Category,
    Contact,
    Message,
    Notification,
    Queue,
    Ticket,
    TicketEvent,
    User,
)
from tickets.services import create_ticket

QUEUE_SLUG = "bench-incidents"
LEAD_EMAIL = "bench-incident-lead@bench.invalid"
INSERT_BATCH = 5_000
DELETE_BATCH = 5_000
ROUNDS = 4
BARE_REQUESTS = 500
TEXTS = {
    "message_id": "Top up lewat virtual account BRI sudah normal kembali. Saldo Anda aman.",
    "message_en": "Top-ups by BRI virtual account are back to normal. Your money is safe.",
    "message_zh_hans": "通过 BRI 虚拟账户的充值已恢复正常。您的资金是安全的。",
}
TITLES = {
    "title_id": "Top up lewat virtual account BRI terlambat",
    "title_en": "Top-ups by BRI virtual account are delayed",
    "title_zh_hans": "通过 BRI 虚拟账户的充值延迟到账",
}
# Three incidents as a busy day has them, and the tickets created beside them: a third matches
# the first incident; the rest are compared with all three and match none.
ACTIVE_INCIDENTS = [
    {"categories": ["payment_failed"], "payment_methods": ["virtual_account"], "banks": ["BRI"]},
    {"categories": ["payment_failed"], "payment_methods": ["qris"], "merchants": ["Bioskop 21"]},
    {"categories": ["account_access"]},
]
CREATION_DETAILS = [
    {"payment_method": "virtual_account", "bank": "BRI", "merchant": "Top-up"},
    {"payment_method": "qris", "merchant": "Kedai Kopi Senopati"},
    {"payment_method": "balance", "merchant": "FreshMart Kemang"},
]


class Command(BaseCommand):
    help = "Resolve an incident with 50,000 tickets at a million; creation with incidents active."

    def add_arguments(self, parser) -> None:
        add_database_arguments(parser)
        parser.add_argument("--linked", type=int, default=50_000, help="tickets to resolve")
        parser.add_argument(
            "--creations", type=int, default=2_000, help="tickets created per measurement"
        )

    def handle(self, *args, **options) -> None:
        if options["linked"] < 1 or options["creations"] < ROUNDS:
            raise CommandError(f"--linked must be at least 1 and --creations at least {ROUNDS}.")
        prepare_database(
            self,
            tickets=options["tickets"],
            any_database=options["any_database"],
            wipes="creates and deletes tens of thousands of tickets",
        )
        self.lead = self.ensure_lead()
        self.queue = self.ensure_queue()
        self.clean_up()  # what an interrupted run left
        active = Incident.objects.active().count()
        if active:
            self.stdout.write(f"  note: {active} incidents were already active in the database")
        self.stdout.write(f"Data: {Ticket.objects.count():,} tickets.")
        try:
            resolved = self.measure_resolve(options["linked"])
            created = self.measure_creation(options["creations"])
        finally:
            self.clean_up()
            self.purge_broker()
        self.report(resolved, created)

    # Set-up

    def ensure_lead(self) -> User:
        lead, made = User.objects.get_or_create(
            email=LEAD_EMAIL, defaults={"name": "Bench incident lead"}
        )
        if made:
            lead.set_unusable_password()
            lead.save(update_fields=["password"])
            lead.groups.add(Group.objects.get(name=roles.LEAD))
        # Its incident covers the bench queue's category anywhere: an admin's scope.
        lead.groups.add(Group.objects.get(name=roles.ADMIN))
        return lead

    def ensure_queue(self) -> Queue:
        queue, _made = Queue.objects.get_or_create(
            slug=QUEUE_SLUG, defaults={"name": "Bench incidents"}
        )
        return queue

    def make_linked_tickets(self, incident: Incident, count: int) -> None:
        """`count` open payment tickets of bench customers in the bench queue, each with the
        customer's first message and its `created` event, linked to `incident` (bulk: set-up)."""
        category = Category.objects.get(pk="payment_failed")
        contacts = list(
            Contact.objects.filter(email__endswith="@bench.invalid")
            .order_by("pk")
            .values_list("pk", "language")[: max(count, 1)]
        )
        if not contacts:
            contacts = [(Contact.objects.create(email="bench-one@bench.invalid").pk, "id")]
        now = timezone.now()
        languages = {code for code, _name in settings.LANGUAGES}
        pairs = cycle(contacts)
        for start in range(0, count, INSERT_BATCH):
            size = min(INSERT_BATCH, count - start)
            rows = []
            for n in range(start, start + size):
                contact_id, language = next(pairs)
                rows.append(
                    Ticket(
                        # Not the GP- references of real tickets: none of a million collides.
                        reference=f"BI-{n:07d}",
                        subject="Top up lewat VA BRI belum masuk",
                        category=category,
                        queue=self.queue,
                        priority=category.default_priority,
                        status=Ticket.Status.OPEN,
                        requester_id=contact_id,
                        language=language if language in languages else settings.LANGUAGE_CODE,
                        details={"payment_method": "virtual_account", "bank": "BRI"},
                        incident=incident,
                        created_at=now,
                        last_activity_at=now,
                        status_changed_at=now,
                    )
                )
            with transaction.atomic():
                Ticket.objects.bulk_create(rows)
                Message.objects.bulk_create(
                    Message(
                        ticket=row,
                        kind=Message.Kind.PUBLIC,
                        author_type=Message.Author.CUSTOMER,
                        author_contact_id=row.requester_id,
                        body="Saya top up lewat VA BRI satu jam lalu dan saldo belum bertambah.",
                        source=Message.Source.WEB,
                        created_at=now,
                    )
                    for row in rows
                )
                TicketEvent.objects.bulk_create(
                    TicketEvent(
                        ticket=row,
                        kind=TicketEvent.Kind.CREATED,
                        actor_type=TicketEvent.Actor.CUSTOMER,
                        actor_contact_id=row.requester_id,
                        created_at=now,
                    )
                    for row in rows
                )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket")

    def clean_up(self) -> None:
        """Delete the bench queue's tickets (with what cascades from them) and the benchmark's
        incidents, in batches."""
        while True:
            ids = list(
                Ticket.objects.filter(queue=self.queue).values_list("pk", flat=True)[:DELETE_BATCH]
            )
            if not ids:
                break
            with transaction.atomic():
                Ticket.objects.filter(pk__in=ids).delete()
        created = list(
            Ticket.objects.filter(requester__email=LEAD_EMAIL).values_list("pk", flat=True)
        )
        for start in range(0, len(created), DELETE_BATCH):
            with transaction.atomic():
                Ticket.objects.filter(pk__in=created[start : start + DELETE_BATCH]).delete()
        incidents = Incident.objects.filter(declared_by=self.lead)
        tags = [tag for tag in incidents.values_list("tag_id", flat=True) if tag]
        incidents.delete()
        from tickets.models import Tag

        Tag.objects.filter(pk__in=tags).delete()
        matching.ACTIVE_RULES.changed()

    def purge_broker(self) -> None:
        from helpdesk.celery import app

        try:
            purged = app.control.purge()
        except Exception as error:  # a broker that is down has nothing to purge
            self.stdout.write(f"  broker not purged ({error})")
            return
        if purged:
            self.stdout.write(f"  {purged:,} delivery tasks purged from the benchmark's broker")

    # 1. Resolving

    def measure_resolve(self, linked: int) -> dict:
        incident = incident_services.declare(
            by=self.lead,
            categories=["payment_failed"],
            payment_methods=["virtual_account"],
            banks=["BRI"],
            match_new_tickets=False,
            **TITLES,
            **TEXTS,
        )
        started = time.monotonic()
        self.make_linked_tickets(incident, linked)
        self.stdout.write(
            f"  {linked:,} linked tickets made in {time.monotonic() - started:.1f} s (set-up)"
        )
        before = timezone.now()
        batches = 0
        with count_queries() as queries, without_broker_for_jobs(), timed_live_updates() as live:
            started = time.monotonic()
            job = incident_services.resolve(
                incident, by=self.lead, outcome=IncidentJob.Outcome.RESOLVE, **TEXTS
            )
            while (result := jobs.run_batch(job.pk)) == "more":
                batches += 1
            seconds = time.monotonic() - started
        if result != "done":
            raise CommandError(f"The job ended with {result!r}, not done.")
        job.refresh_from_db()
        return {
            "linked": linked,
            "seconds": seconds,
            "queries": queries.count,
            "live": live,
            "batches": batches,
            "batch_size": jobs.batch_size(),
            "job": job,
            "checks": self.verify_resolved(incident, linked, before),
        }

    def verify_resolved(self, incident: Incident, linked: int, since) -> list[str]:
        tickets = Ticket.objects.filter(incident=incident)
        problems = []
        not_resolved = tickets.exclude(status=Ticket.Status.RESOLVED).count()
        if not_resolved:
            problems.append(f"{not_resolved} tickets not resolved")

        def once_each(rows, what: str) -> None:
            per_ticket = rows.values("ticket_id").annotate(n=Count("*")).order_by()
            counted = per_ticket.count()
            twice = per_ticket.filter(n__gt=1).count()
            if counted != linked or twice:
                problems.append(
                    f"{what}: {counted:,} tickets have one, {twice:,} more than one "
                    f"(expected exactly one for each of {linked:,})"
                )

        events = TicketEvent.objects.filter(ticket__incident=incident, created_at__gte=since)
        once_each(
            events.filter(kind=TicketEvent.Kind.STATUS, new_value=Ticket.Status.RESOLVED),
            "status events",
        )
        once_each(
            events.filter(kind=TicketEvent.Kind.INCIDENT, field="incident_status"),
            "incident events",
        )
        once_each(
            Notification.objects.filter(ticket__incident=incident, created_at__gte=since),
            "outbox emails",
        )
        return problems

    # 2. Creating

    def measure_creation(self, creations: int) -> dict:
        incidents = [
            incident_services.declare(by=self.lead, **TITLES, **TEXTS, **conditions)
            for conditions in ACTIVE_INCIDENTS
        ]
        requester, _made = Contact.objects.get_or_create(
            email=LEAD_EMAIL, defaults={"name": "Bench customer", "language": "id"}
        )
        details = cycle(CREATION_DETAILS)
        per_round = creations // ROUNDS
        seconds = {"none": 0.0, "three": 0.0}
        queries = {"none": 0, "three": 0}
        linked = 0
        self.create(requester, details, 20)  # warm up: caches, connections
        for _round in range(ROUNDS):
            for label in ("none", "three"):
                set_active(incidents, label == "three")
                with count_queries() as counter:
                    started = time.monotonic()
                    made = self.create(requester, details, per_round)
                    seconds[label] += time.monotonic() - started
                queries[label] += counter.count
                if label == "three":
                    linked += Ticket.objects.filter(pk__in=made, incident__isnull=False).count()
        set_active(incidents, True)
        total = per_round * ROUNDS
        return {
            "per_condition": total,
            "rate": {label: total / seconds[label] for label in seconds},
            "queries": {label: queries[label] / total for label in queries},
            "linked": linked,
            "bare": self.bare_view_seconds(),
        }

    def create(self, requester: Contact, details, count: int) -> list[int]:
        made = []
        for _n in range(count):
            ticket = create_ticket(
                requester=requester,
                category="payment_failed",
                subject="Pembayaran gagal tapi saldo terpotong",
                body="Saldo berkurang Rp45.000 tapi kasir bilang belum masuk.",
                details=dict(next(details), amount="45000", currency="IDR"),
                language="id",
            )
            made.append(ticket.pk)
        return made

    def bare_view_seconds(self) -> float:
        """Seconds per request of benchmarks.urls.bare through Django's middleware, in process."""
        with override_settings(
            ROOT_URLCONF="benchmarks.urls", RATELIMIT_ENABLE=False, ALLOWED_HOSTS=["testserver"]
        ):
            client = Client()
            for _n in range(50):
                client.get("/bench/bare/")
            started = time.monotonic()
            for _n in range(BARE_REQUESTS):
                response = client.get("/bench/bare/")
            seconds = (time.monotonic() - started) / BARE_REQUESTS
        if response.status_code != 200:
            raise CommandError(f"The bare view answered {response.status_code}.")
        return seconds

    # Report

    def report(self, resolved: dict, created: dict) -> None:
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS("Incidents benchmark"))
        linked, seconds = resolved["linked"], resolved["seconds"]
        out.write(
            f"  resolving an incident with {linked:,} linked open tickets: {seconds:.1f} s, "
            f"{linked / seconds:,.0f} tickets/s, {resolved['queries'] / linked:.1f} queries per "
            f"ticket, {resolved['batches']:,} batches of {resolved['batch_size']}"
        )
        live = resolved["live"]
        if live.count:
            out.write(
                f"    of which live updates to staff pages: {live.count:,} sent "
                f"({live.count / linked:.1f} per ticket), {live.seconds:.1f} s "
                f"({live.seconds / live.count * 1000:.1f} ms each)"
            )
        job = resolved["job"]
        out.write(f"    job: {job.state}, {job.done:,} of {job.total:,} done")
        if resolved["checks"]:
            for problem in resolved["checks"]:
                out.write(self.style.ERROR(f"    check failed: {problem}"))
        else:
            out.write(
                f"    checked: all {linked:,} resolved, each with exactly one status event, one "
                "incident event and one outbox email"
            )
        rate, queries = created["rate"], created["queries"]
        out.write(
            f"  ticket creation, {created['per_condition']:,} tickets each, alternating rounds:"
        )
        out.write(
            f"    no active incident:  {rate['none']:7.1f} tickets/s, "
            f"{queries['none']:.1f} queries per ticket"
        )
        out.write(
            f"    3 active incidents:  {rate['three']:7.1f} tickets/s, "
            f"{queries['three']:.1f} queries per ticket ({created['linked']:,} linked)"
        )
        out.write(f"    ratio (none / three): {rate['none'] / rate['three']:.2f}")
        bare = created["bare"]
        out.write(
            f"    bare view in process: {bare * 1000:.2f} ms; a creation costs "
            f"{1 / rate['none'] / bare:.0f}x it with no incident, "
            f"{1 / rate['three'] / bare:.0f}x with three"
        )
        out.write(f"  process peak RSS: {peak_rss_mb():.0f} MB")
        if resolved["checks"]:
            raise CommandError("The resolved tickets failed their checks (above).")


def set_active(incidents: list[Incident], active: bool) -> None:
    """Switch the benchmark's incidents on or off between rounds without their services (which
    would start jobs): the status and resolved time together, as the constraint wants."""
    ids = [incident.pk for incident in incidents]
    if active:
        Incident.objects.filter(pk__in=ids).update(
            status=Incident.Status.INVESTIGATING, resolved_at=None
        )
    else:
        Incident.objects.filter(pk__in=ids).update(
            status=Incident.Status.RESOLVED, resolved_at=timezone.now()
        )
    matching.ACTIVE_RULES.changed()


class _Counter:
    count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def count_queries():
    """SQL statements sent by this process inside the block (DEBUG is off: no query log)."""
    counter = _Counter()
    with connection.execute_wrapper(counter):
        yield counter


class _Timer:
    count = 0
    seconds = 0.0


@contextmanager
def timed_live_updates():
    """How many live updates (tickets.live) the block sends after its commits, and their time."""
    from tickets import live

    timer = _Timer()
    send_now = live.send_now

    def timed(*args, **kwargs):
        started = time.monotonic()
        try:
            return send_now(*args, **kwargs)
        finally:
            timer.count += 1
            timer.seconds += time.monotonic() - started

    live.send_now = timed
    try:
        yield timer
    finally:
        live.send_now = send_now


@contextmanager
def without_broker_for_jobs():
    """The job's batches are run here, so its runs are not published for a worker."""
    published = jobs.publish
    jobs.publish = lambda job_id: True
    try:
        yield
    finally:
        jobs.publish = published
