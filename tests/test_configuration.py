"""A bad setting stops start-up with one line naming the variable, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _start(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG")
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean | {"VAR_DIR": str(ROOT / "var" / "test")} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DEBUG": "true", "DATABASE_URL": "postgres//localhost/helpdesk"}, "DATABASE_URL"),
        ({"DEBUG": "true", "DATABASE_URL": "mysql://localhost/helpdesk"}, "DATABASE_URL"),
        ({"DEBUG": "true", "DATABASE_URL": "postgres://h:port/db"}, "DATABASE_URL"),
        ({"DEBUG": "true", "DATABASE_URL": "postgres://localhost/"}, "DATABASE_URL"),
        ({"DEBUG": "true", "DATABASE_URL": "postgres:///helpdesk"}, "DATABASE_URL"),
        ({"DEBUG": "true", "DATABASE_URL": "sqlite://"}, "DATABASE_URL"),
        ({"DEBUG": "true", "DATABASE_URL": "helpdesk.sqlite3"}, "DATABASE_URL"),
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"DEBUG": "true", "LANGUAGE_CODE": "fr"}, "LANGUAGE_CODE"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "true", "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        (
            {"DEBUG": "true", "PHONENUMBER_DEFAULT_REGION": "Indonesia"},
            "PHONENUMBER_DEFAULT_REGION",
        ),
        ({"DEBUG": "true", "REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"DEBUG": "true", "SLA_SWEEP_SECONDS": "60"}, "SLA_SWEEP_SECONDS"),
        ({"DEBUG": "true", "LOW_RATING_FOLLOW_UP_AT": "6"}, "LOW_RATING_FOLLOW_UP_AT"),
    ],
)
def test_it_stops_with_one_line_naming_the_variable(env, variable):
    result = _start(**env)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {variable} ")
    assert "Traceback" not in result.stderr


def test_it_starts_with_the_embedded_defaults():
    result = _start(DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_passes_the_deploy_check_with_production_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            k: v
            for k, v in os.environ.items()
            if not k.startswith("SECURE_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        }
        | {
            "DEBUG": "false",
            "SECRET_KEY": "a-production-secret-key-of-more-than-fifty-characters-0123456789",
            "ALLOWED_HOSTS": "help.example.com",
            "CSRF_TRUSTED_ORIGINS": "https://help.example.com",
            "SITE_URL": "https://help.example.com",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("debug", "kept_for"), [("true", "0"), ("false", "60")])
def test_the_development_server_keeps_no_idle_database_connections(debug, kept_for):
    # The development server runs a thread per request: a kept connection per thread would
    # pile up idle on a shared PostgreSQL. gunicorn and Celery keep one per process.
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
         "print(settings.DATABASES['default']['CONN_MAX_AGE'], "
         "settings.DATABASES['default']['OPTIONS']['connect_timeout'])"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_CONN_MAX_AGE"}
        | {
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
            "DEBUG": debug,
            "SECRET_KEY": "a-secret-key-of-more-than-fifty-characters-for-this-test-0123",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/helpdesk",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip

    assert result.stdout.split() == [kept_for, "5"], result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgres://budi:p%40ss%3Aword@db.internal:6432/helpdesk?sslmode=require",
            (
                "django.db.backends.postgresql",
                "helpdesk",
                "budi",
                "p@ss:word",
                "db.internal",
                "6432",
                "require",
            ),
        ),
        (
            "postgresql://postgres@127.0.0.1/helpdesk",
            ("django.db.backends.postgresql", "helpdesk", "postgres", "", "127.0.0.1", "", None),
        ),
    ],
)
def test_it_reads_a_postgresql_url(url, expected):
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(repr((d['ENGINE'], d['NAME'], d['USER'], d['PASSWORD'], d['HOST'], d['PORT'], "
        "d['OPTIONS'].get('sslmode'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=os.environ
        | {"DJANGO_SETTINGS_MODULE": "helpdesk.settings", "DEBUG": "true", "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(expected)


def test_a_relative_sqlite_path_is_under_the_project():
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
            "DEBUG": "true",
            "DATABASE_URL": "sqlite:///var/test/relative.sqlite3",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == str(ROOT / "var" / "test" / "relative.sqlite3")
