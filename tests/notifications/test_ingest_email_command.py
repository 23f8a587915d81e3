"""manage.py ingest_email: one email on stdin from a mail server's pipe; the exit code tells the
mail server whether to try again (sysexits.h)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from notifications import inbound
from tickets.models import InboundEmail

from .mailserver import free_port

ROOT = Path(__file__).resolve().parents[2]
EMAIL = (Path(__file__).parent / "inbound" / "new_ticket_id.eml").read_bytes()


def _run(stdin: bytes, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "ingest_email", "--sender", "dewi.lestari@example.net"],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )


@pytest.mark.django_db
def test_it_prints_what_became_of_the_email(capsys):
    call_command("ingest_email", stdin=io.BytesIO(EMAIL))

    assert capsys.readouterr().out.startswith("created GP-")
    assert InboundEmail.objects.get().source == InboundEmail.Source.PIPE


@pytest.mark.django_db
def test_it_exits_0_for_an_email_it_quarantined(capsys):
    call_command("ingest_email", stdin=io.BytesIO(b"Subject: x\n\nno sender\n"))

    assert capsys.readouterr().out.startswith("quarantined")


def test_it_exits_75_so_the_mail_server_retries_when_the_database_is_down():
    # A real process against a PostgreSQL port where nothing listens.
    result = _run(EMAIL, DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/helpdesk")

    assert result.returncode == 75, result.stderr.decode()
    assert b"try again later" in result.stderr


def test_it_exits_65_with_nothing_on_stdin():
    result = _run(b"", DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/helpdesk")

    assert result.returncode == 65
    assert b"No message on stdin" in result.stderr


def test_it_raises_the_temporary_failure_code_in_process(monkeypatch):
    def unavailable(*args, **kwargs):
        raise inbound.TemporaryFailure("down")

    monkeypatch.setattr(inbound, "ingest", unavailable)

    with pytest.raises(CommandError) as error:
        call_command("ingest_email", stdin=io.BytesIO(EMAIL))

    assert error.value.returncode == 75
