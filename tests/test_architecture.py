"""The apps depend one way (.importlinter, README "Architecture"): the contracts hold, and an
import against the direction breaks them."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["helpdesk", "benchmarks", "portal", "staff", "api", "faq", "tickets"]
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


def test_the_domain_importing_a_surface_breaks_them(tmp_path):
    code = copy_of_the_code(tmp_path)
    services = code / "tickets" / "services.py"
    services.write_text(services.read_text() + "\nfrom staff import views  # noqa\n")

    result = lint_imports(code)

    assert result.returncode == 1
    assert "BROKEN" in result.stdout
    assert "tickets.services -> staff.views" in result.stdout


def test_the_domain_core_importing_the_sla_engine_breaks_them(tmp_path):
    code = copy_of_the_code(tmp_path)
    access = code / "tickets" / "access.py"
    access.write_text(access.read_text() + "\nfrom tickets.sla import engine  # noqa\n")

    result = lint_imports(code)

    assert result.returncode == 1
    assert "tickets.access -> tickets.sla.engine" in result.stdout
