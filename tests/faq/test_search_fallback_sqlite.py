"""The simple search of the embedded default (SQLite): the same interface, substring matching,
typo correction with difflib. Forced in-process on the test database, and run for real on a
fresh SQLite database (migrate, seed_faq, search) in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import faq.search
from faq.search import search_articles
from tests.factories import ArticleFactory
from tests.faq.search_queries import QUERIES
from tests.faq.test_search_quality import hit_rate, report

ROOT = Path(__file__).resolve().parents[2]
# The simple search is cruder than PostgreSQL's; this guards against it getting worse.
REQUIRED_SIMPLE_HIT_RATE = 0.80


@pytest.fixture
def simple_search(monkeypatch):
    monkeypatch.setattr(faq.search, "uses_postgres", lambda: False)


@pytest.mark.django_db
def test_it_ranks_a_title_match_above_a_body_match(simple_search):
    ArticleFactory(slug="body", texts={"en": ("Payments", "Your refund is on its way.")})
    ArticleFactory(slug="title", texts={"en": ("Refund times", "It depends on the bank.")})

    assert search_articles("refund", "en").slugs == ["title", "body"]


@pytest.mark.django_db
def test_it_matches_chinese_by_character_pairs(simple_search):
    ArticleFactory(slug="refund", texts={"zh-hans": ("退款多久到账", "几个工作日。")})

    assert search_articles("我的退款什么时候到账", "zh-hans").slugs == ["refund"]


@pytest.mark.django_db
def test_it_corrects_typos_against_the_articles_words(simple_search):
    ArticleFactory(slug="password", texts={"en": ("Forgot your password", "Reset it.")})

    results = search_articles("forgot pasword", "en")

    assert results.slugs == ["password"]
    assert results.corrected_query == "forgot password"


@pytest.mark.django_db
def test_it_falls_back_to_another_language(simple_search):
    ArticleFactory(slug="card", texts={"en": ("Linking a debit card", "Add it in the app.")})

    results = search_articles("debit card", "id")

    assert results.slugs == ["card"]
    assert results.fallback_language == "en"


@pytest.mark.django_db
def test_it_escapes_the_snippet(simple_search):
    ArticleFactory(slug="x", texts={"en": ("Refund", "A refund <script>alert(1)</script> note.")})

    snippet = str(search_articles("refund", "en")[0].snippet)

    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>refund</mark>" in snippet


@pytest.mark.django_db
def test_it_never_returns_a_draft(simple_search):
    ArticleFactory(slug="draft", status="draft", texts={"en": ("Refund", "Text.")})

    assert search_articles("refund", "en").slugs == []


def test_it_keeps_most_of_the_quality_of_the_full_search(seeded_faq, simple_search, capsys):
    rate, per_language, misses = hit_rate(QUERIES)

    with capsys.disabled():
        print("\n" + report("simple fallback", rate, per_language, misses))
    assert rate >= REQUIRED_SIMPLE_HIT_RATE, report("simple fallback", rate, per_language, misses)


SEARCH_SCRIPT = """
import json
from django.db import connection
from faq.search import search_articles
queries = [
    ("saldo terpotong tapi pembayaran gagal", "id"),
    ("forgot pasword", "en"),
    ("退款多久到账", "zh-hans"),
]
print(json.dumps({"vendor": connection.vendor,
                  "results": [search_articles(q, lang, limit=3).slugs for q, lang in queries]}))
"""


def test_it_migrates_seeds_and_searches_on_a_real_sqlite_database(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'helpdesk.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("REDIS_URL", None)

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "--noinput", "--verbosity", "0")
    assert "published articles" in manage("seed_faq")
    output = json.loads(
        manage("shell", "--no-imports", "-c", SEARCH_SCRIPT).strip().splitlines()[-1]
    )

    assert output["vendor"] == "sqlite"
    first, second, third = output["results"]
    assert first[0] == "balance-deducted-payment-failed"
    assert "forgot-password-or-pin" in second
    assert "how-long-does-a-refund-take" in third
