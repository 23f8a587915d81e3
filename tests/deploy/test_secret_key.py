"""With DEBUG off, Django refuses a SECRET_KEY anyone can read in this repository, in one line;
the test suite's and the benchmarks' own keys still work."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent
# Where a reader copies a key from. (The Dockerfile's build-time key never reaches run time.)
DOCS = [ROOT / "README.md", ROOT / ".env.example", ROOT / "docker-compose.yml"]
DOCS += sorted((ROOT / "docs").rglob("*.md")) + sorted((ROOT / "deploy").rglob("*.*"))
# The suite's and the benchmarks' keys, set with DEBUG off by make test and make bench.
OWN_KEYS_IN = [ROOT / "Makefile", ROOT / "scripts" / "run_tests.py"]
KEY = re.compile(r"SECRET_KEY\s*[=:]\s*[\"']?([^\s\"'$<]{32,})")


def _check(secret_key: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=os.environ
        | {"DEBUG": "false", "SECRET_KEY": secret_key, "HELPDESK_IGNORE_DOTENV": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def keys_written_in(paths: list[Path]) -> set[str]:
    return {key for path in paths if path.is_file() for key in KEY.findall(path.read_text())}


@pytest.mark.parametrize("secret_key", sorted(settings.PUBLIC_SECRET_KEYS))
def test_it_refuses_a_public_key_in_one_line(secret_key):
    result = _check(secret_key)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: SECRET_KEY is a key published in this repository; generate your "
        "own: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    ]


def test_it_refuses_the_development_key():
    assert "dev-only-insecure-key-never-use-in-production" in settings.PUBLIC_SECRET_KEYS


def test_it_refuses_every_key_the_docs_show():
    assert keys_written_in(DOCS) - settings.PUBLIC_SECRET_KEYS == set()


def test_the_suite_and_the_benchmarks_keep_their_keys():
    own = keys_written_in(OWN_KEYS_IN)

    assert "test-only-secret-key-that-is-long-enough-for-django" in own
    assert own & settings.PUBLIC_SECRET_KEYS == set()
    result = _check(sorted(own)[0])
    assert result.returncode == 0, result.stderr
