"""bench_faq runs end to end (on a few articles): throw-away database, load, measure, report."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres


def test_it_measures_search_and_suggestions_on_a_throw_away_database():
    env = {**os.environ, "DATABASE_URL": os.environ["DATABASE_URL"] + "_benchsmoke"}

    done = subprocess.run(
        [sys.executable, "manage.py", "bench_faq", "--articles", "120", "--rounds", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    assert "120 published articles, 360 translations" in done.stdout
    assert "search_articles()" in done.stdout
    assert "POST /help/suggest/" in done.stdout
