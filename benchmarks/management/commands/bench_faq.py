"""manage.py bench_faq: FAQ search and suggestion latency with 10,000 articles in three languages.

Creates a throw-away PostgreSQL database next to the configured one (<name>_throwaway, dropped at
the end unless --keep), migrates it, loads the shipped knowledge base plus generated variants of
it (each article in id, en and zh-hans), then measures server-side time in this process:

- search_articles() for customer queries in each language (plus a few that match nothing, the
  slowest case: typo correction and every fallback language);
- POST /help/suggest/ through Django's test client (the whole middleware stack, the session,
  the rate limits, the deflection writes and the template), typed the way the ticket form
  sends it: a request per pause, each customer with its own session and address.

`make bench-faq` runs it against postgres://postgres@127.0.0.1:5432/helpdesk_faq_bench.
"""

import ipaddress
import os
import random
import statistics
import time
import warnings
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment, teardown_test_environment
from django.utils import timezone

from benchmarks.measure import percentile
from faq.markdown import plain_text
from faq.models import Article, ArticleTranslation
from faq.search import search_articles
from faq.search.indexing import index_translations

TARGET_P95_MS = 20
BATCH_SIZE = 1000  # articles generated, inserted and indexed per round trip group
SEED = 20260701

QUERIES = {
    "id": [
        "saldo terpotong tapi pembayaran gagal",
        "gak bisa login akun terkunci",
        "lupa pasword",
        "kode otp gak masuk",
        "berapa lama refund masuk",
        "top up lewat va belum masuk",
        "ada transaksi yg bukan saya",
        "aplikasi force close terus",
        "kepotong dua kali",
        "nomor cs resmi berapa",
    ],
    "en": [
        "balance deducted but payment failed",
        "my card was declined",
        "forgot pasword",
        "how long does a refund take",
        "how do i get a refnd",
        "charged twice for the same order",
        "someone used my account without permission",
        "app keeps crashing",
        "payment stuck on processing",
        "no reply from support yet",
    ],
    "zh-hans": [
        "余额扣了但是支付失败",
        "忘记密码怎么办",
        "账号被锁了登不上",
        "收不到验证码",
        "退款多久到账",
        "怎么申请退款",
        "被扣了两次钱",
        "充值没到账",
        "应用一直闪退",
        "客服一直不回复",
    ],
}
NO_MATCH = [("xylophone quartet", "en"), ("zzzz qqqq", "id"), ("麒麟鹦鹉", "zh-hans")]

# What makes a generated article differ from the one it is based on: a merchant, bank or
# product, as FAQs of a large wallet have ("... at Tokopedia", "... via BRI").
VARIANTS = {
    "id": "di Tokopedia|lewat BCA|lewat BRI|lewat Mandiri|untuk tagihan PLN|di Indomaret|"
    "di Alfamart|untuk pulsa Telkomsel|lewat BNI|untuk GoFood|untuk GoRide|di Shopee|"
    "dengan kartu kredit|dengan QRIS|saat promo|di luar negeri|untuk BPJS|untuk PDAM|"
    "lewat CIMB Niaga|lewat Permata",
    "en": "at Tokopedia|via BCA|via BRI|via Mandiri|for a PLN bill|at Indomaret|at Alfamart|"
    "for Telkomsel credit|via BNI|for GoFood|for GoRide|at Shopee|with a credit card|"
    "with QRIS|during a promotion|abroad|for BPJS|for PDAM|via CIMB Niaga|via Permata",
    "zh-hans": "在Tokopedia|通过BCA|通过BRI|通过Mandiri|缴纳PLN电费|在Indomaret|在Alfamart|"
    "充值Telkomsel话费|通过BNI|用于GoFood|用于GoRide|在Shopee|使用信用卡|使用QRIS|"
    "促销期间|在国外|缴纳BPJS|缴纳PDAM水费|通过CIMB Niaga|通过Permata",
}


class Command(BaseCommand):
    help = (
        "Benchmark FAQ search and the ticket form's suggestions on a throw-away PostgreSQL "
        "database with --articles articles in three languages (default 10,000)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--rounds", type=int, default=5, help="Times each query is run.")
        parser.add_argument(
            "--keep", action="store_true", help="Keep the throw-away database afterwards."
        )

    def handle(self, *args, articles: int, rounds: int, keep: bool, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_faq measures the PostgreSQL search: set DATABASE_URL.")
        setup_test_environment()
        # DEBUG is off (as in production) and nothing ran collectstatic: not the benchmark's care.
        warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")
        settings_dict = connection.settings_dict
        settings_dict["TEST"] = {
            **settings_dict.get("TEST", {}),
            "NAME": f"{settings_dict['NAME']}_throwaway",
        }
        self.stdout.write(f"Creating {settings_dict['TEST']['NAME']} and migrating...")
        old_name = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, keepdb=False, serialize=False
        )
        try:
            started = time.monotonic()
            self.load(articles)
            self.stdout.write(f"Loaded in {time.monotonic() - started:.0f} s.")
            self.measure(rounds)
        finally:
            if keep:
                self.stdout.write(f"Kept {connection.settings_dict['NAME']}.")
            else:
                connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()

    def load(self, count: int) -> None:
        call_command("seed_faq", stdout=StringIO())
        bases = list(Article.objects.prefetch_related("translations").order_by("pk"))
        texts = {
            (base.pk, t.language): (t.title, t.body, t.search_text, t.body_text)
            for base in bases
            for t in base.translations.all()
        }
        sentences = {
            language: [
                line
                for (_pk, lang), (_t, _b, _s, body_text) in texts.items()
                if lang == language
                for line in body_text.splitlines()
                if len(line) > 20
            ]
            for language in VARIANTS
        }
        variants = {language: value.split("|") for language, value in VARIANTS.items()}
        rng = random.Random(SEED)
        now = timezone.now()
        for start in range(len(bases), count, BATCH_SIZE):
            batch = []
            for number in range(start, min(start + BATCH_SIZE, count)):
                base = bases[number % len(bases)]
                batch.append(
                    Article(
                        slug=f"{base.slug}-{number}",
                        category_id=base.category_id,
                        status=Article.Status.PUBLISHED,
                        position=number,
                        view_count=rng.randint(0, 5000),
                        helpful_yes_count=rng.randint(0, 200),
                        helpful_no_count=rng.randint(0, 60),
                        published_at=now,
                    )
                )
            Article.objects.bulk_create(batch)
            translations = []
            for article in batch:
                base = bases[int(article.slug.rsplit("-", 1)[1]) % len(bases)]
                for language in VARIANTS:
                    title, body, search_text, _body_text = texts[(base.pk, language)]
                    variant = rng.choice(variants[language])
                    extra = " ".join(rng.sample(sentences[language], 3))
                    body = f"{body}\n\n{title} {variant}. {extra}"
                    translations.append(
                        ArticleTranslation(
                            article=article,
                            language=language,
                            title=f"{title} {variant}",
                            body=body,
                            search_text=f"{search_text}, {variant}",
                            body_text=plain_text(body),
                        )
                    )
            ArticleTranslation.objects.bulk_create(translations)
            index_translations(translations)
            self.stdout.write(f"  {min(start + BATCH_SIZE, count)} articles", ending="\r")
        self.stdout.write("")
        with connection.cursor() as cursor:
            for table in ("faq_article", "faq_articletranslation", "faq_searchword"):
                cursor.execute(f"VACUUM ANALYZE {table}")

    def measure(self, rounds: int) -> None:
        queries = [(query, language) for language, items in QUERIES.items() for query in items]
        for query, language in queries + NO_MATCH:  # warm the caches and the connection
            search_articles(query, language)
        search_times = []
        for _ in range(rounds):
            for query, language in queries + NO_MATCH:
                started = time.perf_counter()
                search_articles(query, language, limit=10)
                search_times.append((time.perf_counter() - started) * 1000)

        suggest_times = []
        customer = 0
        for _ in range(rounds):
            for query, language in queries:
                customer += 1
                client = Client(
                    REMOTE_ADDR=str(ipaddress.IPv4Address("10.0.0.0") + customer),
                    HTTP_ACCEPT_LANGUAGE=language,
                    HTTP_HX_REQUEST="true",
                )
                for typed in self.typing(query):
                    started = time.perf_counter()
                    response = client.post(
                        "/help/suggest/", {"q": typed, "topic": "payment_failed"}
                    )
                    suggest_times.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"/help/suggest/ answered {response.status_code}")
        self.report(search_times, suggest_times)

    @staticmethod
    def typing(query: str) -> list[str]:
        """What the debounced subject field sends while `query` is typed: a request at each
        pause, here after every word (Chinese: every two characters)."""
        if " " in query:
            words = query.split()
            return [" ".join(words[: end + 1]) for end in range(len(words))]
        return [query[:end] for end in range(2, len(query) + 1, 2)] or [query]

    def report(self, search_times: list[float], suggest_times: list[float]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
            cursor.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('faq_articletranslation')), "
                "(SELECT pg_size_pretty(sum(pg_relation_size(indexrelid))) FROM pg_index "
                " WHERE indrelid = 'faq_articletranslation'::regclass AND indexprs IS NULL "
                " AND indpred IS NOT NULL), "
                "(SELECT count(*) FROM faq_searchword)"
            )
            table_size, index_size, words = cursor.fetchone()
        articles = Article.objects.count()
        translations = ArticleTranslation.objects.count()
        self.stdout.write(
            f"\nFAQ benchmark on PostgreSQL {version}: {articles:,} published articles, "
            f"{translations:,} translations (id, en, zh-hans); translations table {table_size}, "
            f"GIN indexes {index_size}, {words:,} vocabulary words.\n"
        )
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        self.stdout.write(f"Machine: {os.cpu_count()} CPUs, load average {load} (1, 5, 15 min).")
        for name, samples in (
            ("search_articles()", search_times),
            ("POST /help/suggest/", suggest_times),
        ):
            p95 = percentile(samples, 0.95)
            verdict = "ok" if p95 <= TARGET_P95_MS else f"OVER the {TARGET_P95_MS} ms target"
            self.stdout.write(
                f"{name:<20} n={len(samples):<5} p50 {statistics.median(samples):6.1f} ms   "
                f"p95 {p95:6.1f} ms   max {max(samples):6.1f} ms   ({verdict})"
            )
