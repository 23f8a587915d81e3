"""The apps depend one way (.importlinter, README "Architecture"): the contracts hold, and an
import against the direction breaks them."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "helpdesk",
    "benchmarks",
    "portal",
    "staff",
    "api",
    "privacy",
    "incidents",
    "faq",
    "sla",
    "notifications",
    "inbox",
    "branding",
    "audit",
    "tickets",
]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(where: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(where))
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def copy_of_the_code(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("*.pyc", "__pycache__", "locale", "static", "templates"),
        )
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_import_contracts_hold():
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("tickets/services.py", "from staff import views", "tickets.services -> staff.views"),
        ("tickets/access.py", "from sla import engine", "tickets.access -> sla.engine"),
        (
            "notifications/outbox.py",
            "from sla import deadlines",
            "notifications.outbox -> sla.deadlines",
        ),
        ("api/serializers.py", "from portal import views", "api.serializers -> portal.views"),
        ("faq/views.py", "from api import webhooks", "faq.views -> api.webhooks"),
        ("tickets/access.py", "from audit import services", "tickets.access -> audit.services"),
        ("audit/services.py", "from staff import views", "audit.services -> staff.views"),
        ("privacy/erasure.py", "from api import webhooks", "privacy.erasure -> api.webhooks"),
        (
            "tickets/services.py",
            "from privacy import erasure",
            "tickets.services -> privacy.erasure",
        ),
    ],
)
def test_an_import_against_the_direction_breaks_them(tmp_path, module, line, broken):
    code = copy_of_the_code(tmp_path)
    (code / module).write_text((code / module).read_text() + f"\n{line}  # noqa\n")

    result = lint_imports(code)

    assert result.returncode == 1
    assert "BROKEN" in result.stdout
    assert broken in result.stdout
