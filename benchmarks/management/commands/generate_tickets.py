"""Fill the database with realistic tickets for benchmarks: `manage.py generate_tickets 1000000`.

PostgreSQL gets the rows by COPY (a million tickets with three messages each in a few minutes);
other databases by bulk_create. The rows skip the services on purpose: this is bulk test data,
not customer activity, so no timers, notifications or per-ticket events beyond "created". New
and open tickets get a next deadline (Ticket.sla_due_at, the queue's default sort) spread from
six hours overdue to two days ahead, as a working queue has; waiting and finished ones none, as
their timers are paused or stopped.
"""

import io
import json
import random
import time
from datetime import datetime, timedelta

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from tickets import roles
from tickets.defaults import ensure_default_queues
from tickets.models import (
    Category,
    Contact,
    Message,
    Queue,
    QueueMembership,
    Ticket,
    TicketEvent,
    User,
)
from tickets.models.tickets import REFERENCE_ALPHABET, REFERENCE_LENGTH

# Rows per COPY statement / bulk_create call: bounded memory, few round trips.
BATCH_SIZE = 20_000
AGENTS_PER_QUEUE = 8
CONTACTS_PER_TICKET = 0.2

CATEGORY_WEIGHTS = {
    "payment_failed": 30,
    "refund": 20,
    "account_access": 15,
    "suspicious_transaction": 5,
    "complaint": 8,
    "how_to": 12,
    "app_problem": 10,
}
# status: (weight, oldest age in days); open work is recent, closed history goes back two years.
STATUS_PROFILE = {
    "closed": (55, 730),
    "resolved": (15, 10),
    "open": (10, 14),
    "new": (6, 2),
    "pending_customer": (9, 7),
    "on_hold": (5, 10),
}
LANGUAGE_WEIGHTS = {"id": 60, "en": 25, "zh-hans": 15}
MERCHANTS = [
    "Kedai Kopi Senopati",
    "Toko Elektronik Jaya",
    "FreshMart Kemang",
    "Batik Nusantara",
    "Sate Khas Senayan",
    "Bioskop 21",
    "Superindo Kuningan",
    "Gadget Hub Online",
    "Warung Bu Tini",
    "Apotek Sehat",
    "Skyways Travel",
    "Urban Outfit Store",
]
METHODS = ["balance", "bank_card", "virtual_account", "qris", "paylater"]
SUBJECTS = {
    "id": {
        "payment_failed": [
            "Pembayaran {m} gagal tapi saldo terpotong",
            "Bayar QRIS di {m} gagal",
            "Transaksi kartu ditolak di {m}",
        ],
        "refund": ["Refund dari {m} belum masuk", "Minta pengembalian dana pesanan {m}"],
        "account_access": [
            "Akun terkunci setelah salah PIN",
            "Tidak bisa login di HP baru",
            "Kode verifikasi tidak masuk",
        ],
        "suspicious_transaction": [
            "Ada transaksi ke {m} yang bukan saya",
            "Saldo berkurang tanpa transaksi",
        ],
        "complaint": ["Keluhan layanan CS lambat", "Biaya admin tidak sesuai"],
        "how_to": [
            "Cara menghubungkan rekening bank",
            "Cara upgrade akun premium",
            "Cara mengatur limit transaksi",
        ],
        "app_problem": ["Aplikasi tertutup sendiri", "Aplikasi lambat saat membuka riwayat"],
    },
    "en": {
        "payment_failed": [
            "Payment at {m} failed but my balance was debited",
            "Card declined at {m}",
            "QRIS payment to {m} failed",
        ],
        "refund": ["Refund from {m} not received", "Charged twice at {m}, please refund"],
        "account_access": [
            "Account locked after wrong PIN",
            "Cannot sign in on my new phone",
            "Not receiving the verification code",
        ],
        "suspicious_transaction": [
            "Payment to {m} that I did not make",
            "Unknown transfer from my balance",
        ],
        "complaint": ["Support took too long to answer", "Unexpected fee on my transfer"],
        "how_to": [
            "How do I link my bank account?",
            "How to set a spending limit",
            "Where is my monthly statement?",
        ],
        "app_problem": ["App crashes when opening history", "App stuck on loading screen"],
    },
    "zh-hans": {
        "payment_failed": ["在{m}付款失败但余额被扣", "{m}银行卡支付被拒", "扫码支付{m}失败"],
        "refund": ["{m}的退款还没到账", "在{m}被重复扣款,申请退款"],
        "account_access": ["输错密码后账户被锁", "换新手机无法登录", "收不到验证码"],
        "suspicious_transaction": ["账户出现{m}的陌生扣款", "余额莫名减少"],
        "complaint": ["客服回复太慢", "转账手续费不对"],
        "how_to": ["如何绑定银行账户", "如何设置交易限额", "哪里下载月度账单"],
        "app_problem": ["应用打开就闪退", "查看记录时应用很卡"],
    },
}
BODIES = {
    "id": [
        "Mohon dibantu, saya sudah coba dua kali. Transaksi sekitar Rp{a}.",
        "Sudah menunggu beberapa hari, tolong dicek. Nominal Rp{a}.",
        "Terima kasih, sudah masuk sekarang.",
    ],
    "en": [
        "Please help, I tried twice. The amount was IDR {a}.",
        "I have been waiting for days, please check. Amount IDR {a}.",
        "Thanks, it is sorted now.",
    ],
    "zh-hans": [
        "请帮忙处理,我已经试了两次,金额 {a} 印尼盾。",
        "已经等了好几天了,请尽快核实,金额 {a}。",
        "谢谢,现在已经到账了。",
    ],
}
AGENT_REPLIES = {
    "id": "Halo Kak, terima kasih sudah menghubungi kami. Kami sedang memeriksa transaksi Anda.",
    "en": "Hi, thanks for reaching out. We are checking the transaction for you.",
    "zh-hans": "您好,感谢您的联系,我们正在为您核实这笔交易。",
}


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Command(BaseCommand):
    help = "Generate N realistic tickets (3 messages each) for benchmarks; adds to what exists."

    def add_arguments(self, parser) -> None:
        parser.add_argument("count", nargs="?", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=2026, help="random seed (repeatable data)")

    def handle(self, *args, count: int, seed: int, **options) -> None:
        if count < 1:
            raise CommandError("count must be at least 1.")
        started = time.monotonic()
        rng = random.Random(seed)
        ensure_default_queues(Queue, Category)
        self.categories = {c.code: c for c in Category.objects.all()}
        self.agents = self.ensure_agents()
        contacts = self.ensure_contacts(max(1, int(count * CONTACTS_PER_TICKET)), rng)
        taken = set(Ticket.objects.values_list("reference", flat=True))
        now = timezone.now()
        written = 0
        while written < count:
            size = min(BATCH_SIZE, count - written)
            tickets = [self.ticket_row(rng, contacts, taken, now) for _ in range(size)]
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    self.copy_batch(tickets)
                else:
                    self.bulk_batch(tickets)
            written += size
            rate = written / (time.monotonic() - started)
            self.stdout.write(f"  {written:>9,} tickets ({rate:,.0f}/s)")
        if connection.vendor == "postgresql":
            # As after any bulk load: statistics for the planner, and the visibility map that
            # lets counts (the dashboard's) read indexes alone, as autovacuum would later.
            # VACUUM cannot run inside a transaction (a test's): statistics only, then.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                for table in ("tickets_ticket", "tickets_message", "tickets_ticketevent"):
                    cursor.execute(f"{command} {table}")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {count:,} tickets with {3 * count:,} messages in {elapsed:.1f} s; "
                f"the database now holds {Ticket.objects.count():,} tickets."
            )
        )

    def ensure_agents(self) -> dict[int, list[int]]:
        group = Group.objects.get(name=roles.AGENT)
        agents = {}
        for queue in Queue.objects.all():
            members = []
            for n in range(AGENTS_PER_QUEUE):
                user, created = User.objects.get_or_create(
                    email=f"bench-{queue.slug}-{n}@bench.invalid",
                    defaults={"name": f"Bench agent {queue.slug} {n}"},
                )
                if created:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                    user.groups.add(group)
                QueueMembership.objects.get_or_create(queue=queue, user=user)
                members.append(user.pk)
            agents[queue.pk] = members
        return agents

    def ensure_contacts(self, wanted: int, rng: random.Random) -> list[tuple[int, str]]:
        existing = Contact.objects.filter(email__endswith="@bench.invalid").count()
        new = [
            Contact(
                email=f"customer-{n}@bench.invalid",
                name=f"Customer {n}",
                language=_pick(rng, LANGUAGE_WEIGHTS),
            )
            for n in range(existing, wanted)
        ]
        Contact.objects.bulk_create(new, batch_size=BATCH_SIZE)
        return list(
            Contact.objects.filter(email__endswith="@bench.invalid").values_list("pk", "language")
        )

    def reference(self, rng: random.Random, taken: set) -> str:
        while True:
            code = "".join(rng.choices(REFERENCE_ALPHABET, k=REFERENCE_LENGTH))
            reference = f"GP-{code}"
            if reference not in taken:
                taken.add(reference)
                return reference

    def ticket_row(self, rng, contacts, taken, now: datetime) -> dict:
        category = self.categories[_pick(rng, CATEGORY_WEIGHTS)]
        status = _pick(rng, {s: w for s, (w, _) in STATUS_PROFILE.items()})
        oldest_days = STATUS_PROFILE[status][1]
        # Skewed towards recent: most tickets of a status are young.
        created = now - timedelta(days=oldest_days * rng.random() ** 2, seconds=rng.random() * 60)
        contact_id, language = rng.choice(contacts)
        merchant = rng.choice(MERCHANTS)
        amount = rng.choice([25, 45, 56, 120, 129, 200, 275, 450, 500, 780, 1850]) * 1000
        subject = rng.choice(SUBJECTS[language][category.code]).format(m=merchant)
        assignee = None
        if status != "new" and rng.random() < 0.85:
            assignee = rng.choice(self.agents[category.queue_id])
        answered = created + timedelta(minutes=5 + rng.random() * 600)
        last = min(answered + timedelta(hours=rng.random() * 48), now)
        finished = status in ("resolved", "closed")
        due = None
        if status in ("new", "open"):
            due = now + timedelta(hours=-6 + 54 * rng.random())
        reference = self.reference(rng, taken)
        details = {}
        if category.code in ("payment_failed", "refund"):
            details = {
                "transaction_reference": f"TRX-{created:%Y%m%d}-{reference[3:]}",
                "amount": str(amount),
                "currency": "IDR",
                "merchant": merchant,
                "payment_method": rng.choice(METHODS),
            }
        return {
            "reference": reference,
            "subject": subject,
            "category": category.code,
            "priority": category.default_priority if rng.random() < 0.8 else rng.randint(1, 4),
            "status": status,
            "channel": rng.choice(["web"] * 6 + ["email"] * 3 + ["api"]),
            "queue": category.queue_id,
            "assignee": assignee,
            "requester": contact_id,
            "language": language,
            "details": details,
            "transaction_reference": details.get("transaction_reference", ""),
            "created_at": created,
            "last_activity_at": last if status != "new" else created,
            "status_changed_at": last,
            "first_response_at": answered if status != "new" else None,
            "resolved_at": last if finished else None,
            "closed_at": last if status == "closed" else None,
            "sla_due_at": due,
            "messages": [
                ("customer", "public", rng.choice(BODIES[language][:2]).format(a=amount), created),
                (
                    "agent",
                    "internal" if status == "new" else "public",
                    AGENT_REPLIES[language],
                    answered,
                ),
                ("customer", "public", BODIES[language][2], last),
            ],
        }

    def copy_batch(self, tickets: list[dict]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('tickets_ticket', 'id')) "
                "FROM generate_series(1, %s)",
                [len(tickets)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            raw = cursor.connection.cursor()
            # Messages before their tickets (the foreign key is checked at commit): the
            # ticket insert trigger then computes each ticket's search words once, from
            # its subject and messages, instead of rewriting every ticket row after.
            raw.copy_expert(
                "COPY tickets_message (ticket_id, kind, author_type, author_user_id, "
                "author_contact_id, body, source, created_at) FROM STDIN",
                _tsv(
                    (
                        pk,
                        kind,
                        author,
                        t["assignee"] if author == "agent" else None,
                        t["requester"] if author == "customer" else None,
                        body,
                        "web" if author == "agent" else t["channel"],
                        at,
                    )
                    for pk, t in zip(ids, tickets, strict=True)
                    for author, kind, body, at in t["messages"]
                ),
            )
            raw.copy_expert(
                "COPY tickets_ticket (id, reference, subject, category_id, priority, status, "
                "channel, queue_id, assignee_id, requester_id, language, details, "
                "transaction_reference, reopen_count, created_at, updated_at, last_activity_at, "
                "status_changed_at, first_response_at, resolved_at, closed_at, sla_due_at) "
                "FROM STDIN",
                _tsv(
                    (
                        pk,
                        t["reference"],
                        t["subject"],
                        t["category"],
                        t["priority"],
                        t["status"],
                        t["channel"],
                        t["queue"],
                        t["assignee"],
                        t["requester"],
                        t["language"],
                        json.dumps(t["details"]),
                        t["transaction_reference"],
                        0,
                        t["created_at"],
                        t["last_activity_at"],
                        t["last_activity_at"],
                        t["status_changed_at"],
                        t["first_response_at"],
                        t["resolved_at"],
                        t["closed_at"],
                        t["sla_due_at"],
                    )
                    for pk, t in zip(ids, tickets, strict=True)
                ),
            )
            raw.copy_expert(
                "COPY tickets_ticketevent (ticket_id, kind, actor_type, actor_contact_id, field, "
                "old_value, new_value, data, created_at) FROM STDIN",
                _tsv(
                    (pk, "created", "customer", t["requester"], "", "", "", "{}", t["created_at"])
                    for pk, t in zip(ids, tickets, strict=True)
                ),
            )

    def bulk_batch(self, tickets: list[dict]) -> None:
        rows = [
            Ticket(
                **{
                    k: v
                    for k, v in t.items()
                    if k not in ("messages", "category", "queue", "assignee", "requester")
                },
                category_id=t["category"],
                queue_id=t["queue"],
                assignee_id=t["assignee"],
                requester_id=t["requester"],
            )
            for t in tickets
        ]
        Ticket.objects.bulk_create(rows, batch_size=1000)
        if rows[0].pk is None:  # backends that do not return ids
            by_reference = dict(
                Ticket.objects.filter(reference__in=[r.reference for r in rows]).values_list(
                    "reference", "pk"
                )
            )
            for row in rows:
                row.pk = by_reference[row.reference]
        Message.objects.bulk_create(
            [
                Message(
                    ticket_id=row.pk,
                    kind=kind,
                    author_type=author,
                    author_user_id=t["assignee"] if author == "agent" else None,
                    author_contact_id=t["requester"] if author == "customer" else None,
                    body=body,
                    source="web",
                    created_at=at,
                )
                for row, t in zip(rows, tickets, strict=True)
                for author, kind, body, at in t["messages"]
            ],
            batch_size=1000,
        )
        TicketEvent.objects.bulk_create(
            [
                TicketEvent(
                    ticket_id=row.pk,
                    kind="created",
                    actor_type="customer",
                    actor_contact_id=t["requester"],
                    created_at=t["created_at"],
                )
                for row, t in zip(rows, tickets, strict=True)
            ],
            batch_size=1000,
        )


def _tsv(rows) -> io.StringIO:
    """Rows as PostgreSQL COPY text: tab-separated, \\N for NULL, specials escaped."""
    out = io.StringIO()
    for row in rows:
        fields = []
        for value in row:
            if value is None:
                fields.append("\\N")
            elif isinstance(value, datetime):
                fields.append(value.isoformat())
            else:
                fields.append(
                    str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                )
        out.write("\t".join(fields) + "\n")
    out.seek(0)
    return out
