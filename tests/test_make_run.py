"""`make run` as a newcomer meets it, in a fresh checkout (a copy of this one with its virtualenv),
in a real terminal (a pseudo-terminal): it starts quietly and prints the URLs last; Ctrl-C and a
closed terminal stop web, worker and beat and leave no process behind; the `.env` it makes lets
plain manage.py commands work; a `.env` copied from `.env.example` does not break it.

Each `make run` here uses its own port and the embedded defaults under the copy's var/ (SQLite,
the file broker): nothing is shared with the suite's PostgreSQL and Redis.
"""

import contextlib
import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.repository import ROOT, repository_files

READY = "Ctrl-C stops everything."
# What a newcomer's shell would pass on, and nothing of the suite's own settings.
KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TERM", "TMPDIR", "USER")
# -o: the virtualenv is this checkout's, installed already; make must not reinstall it in the copy.
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed-local"]


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """The project's files as a fresh clone has them (tracked and new, not ignored), with
    their times kept so make sees the virtualenv as up to date, and this one's virtualenv."""
    target = tmp_path_factory.mktemp("fresh") / "helpdesk"
    for source in repository_files():
        name = source.relative_to(ROOT)
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(ROOT / ".venv")
    return target


class MakeRun:
    """`make run` in a pseudo-terminal of its own, as a terminal window would run it."""

    def __init__(self, checkout: Path) -> None:
        self.checkout = checkout
        self.port = spare_port()
        self.marker = uuid.uuid4().hex
        env = {name: os.environ[name] for name in KEPT if name in os.environ}
        env.update(PORT=str(self.port), MAKE_RUN_TEST_MARKER=self.marker)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: make, leader of a new session on the pseudo-terminal
            os.chdir(checkout)
            os.execvpe("make", [*MAKE, "run"], env)
        self.output = ""
        self.closing = self.closed = False
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        # A read in progress would keep the terminal open after close(): poll, and stop first.
        while not self.closing:
            if not select.select([self.fd], [], [], 0.1)[0]:
                continue
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk.decode("utf-8", errors="replace")

    def wait_for(self, text: str, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while text not in self.output:
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.output}"
            assert self.exit_status(block=False) is None, f"make run ended:\n{self.output}"
            time.sleep(0.1)

    def get(self, path: str) -> int:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def exit_status(self, block: bool = True, seconds: float = 60) -> int | None:
        if hasattr(self, "status"):
            return self.status
        deadline = time.monotonic() + seconds
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            if not block:
                return None
            assert time.monotonic() < deadline, f"make run did not stop:\n{self.output}"
            time.sleep(0.1)

    def press_ctrl_c(self) -> None:
        os.write(self.fd, b"\x03")  # the terminal turns it into SIGINT for its foreground group

    def close_terminal(self) -> None:
        self.closing = True
        self.reader.join()
        os.close(self.fd)  # a hang-up: SIGHUP to make (the session's leader) and the foreground
        self.closed = True

    def processes_left(self) -> list[str]:
        left = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                environ = (entry / "environ").read_bytes()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if f"MAKE_RUN_TEST_MARKER={self.marker}".encode() in environ and state != "Z":
                left.append(f"{entry.name} {cmdline}")
        return left

    def port_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def finish(self) -> None:
        """Whatever a failed test left running goes."""
        for line in self.processes_left():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(line.split()[0]), signal.SIGKILL)
        if not self.closed:
            self.close_terminal()
        self.exit_status(block=True, seconds=10)


def nothing_left(run: MakeRun) -> None:
    deadline = time.monotonic() + 10
    while run.processes_left() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert run.processes_left() == []
    assert not run.port_answers()


@pytest.fixture
def make_run(checkout):
    runs = []

    def start() -> MakeRun:
        runs.append(MakeRun(checkout))
        return runs[-1]

    yield start
    for run in runs:
        run.finish()


def test_a_fresh_make_run_starts_quietly_and_ctrl_c_stops_everything(checkout, make_run):
    run = make_run()
    run.wait_for(READY)
    assert run.get("/") == 200
    assert run.get("/staff/login/") == 200

    # Quiet: the URLs and logins come last, after a few lines of its own, none of the processes'.
    start = run.output[: run.output.index(READY) + len(READY)]
    assert len(start.strip().splitlines()) <= 25, start
    assert f"http://127.0.0.1:{run.port}/staff/" in start.rsplit("Demo logins", 1)[1]
    assert "admin@example.com" in start
    assert not re.search(r"(?m)^(web|worker|beat) +\|", start)
    assert "(37 added)" in start

    # A process that dies is started again; the others go on.
    workers = [line for line in run.processes_left() if "celery --app helpdesk worker" in line]
    os.kill(min(int(line.split()[0]) for line in workers), signal.SIGKILL)  # the main process
    run.wait_for("worker exited with status -9; starting it again in 1 s.")
    deadline = time.monotonic() + 60
    while (checkout / "var" / "log" / "worker.log").read_text().count(" ready.") < 2:
        assert time.monotonic() < deadline, "the worker was not started again"
        time.sleep(0.2)
    assert run.get("/") == 200

    run.press_ctrl_c()

    assert run.exit_status() == 0
    nothing_left(run)
    assert "Stopped" in run.output
    assert "Error" not in run.output
    assert "Traceback" not in run.output
    worker_log = (checkout / "var" / "log" / "worker.log").read_text()
    assert "Warm shutdown" in worker_log
    assert "SIGKILL" not in worker_log
    assert "exited with 'signal" not in worker_log


def test_manage_py_works_in_the_checkout_after_make_run_without_exporting_anything(checkout):
    assert (checkout / ".env").exists()  # made by the first make run
    env = {name: os.environ[name] for name in KEPT if name in os.environ}

    result = subprocess.run(
        [str(checkout / ".venv" / "bin" / "python"), "manage.py", "check"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_make_admin_creates_the_first_real_admin(checkout):
    env = {name: os.environ[name] for name in KEPT if name in os.environ}
    env.update(DJANGO_SUPERUSER_PASSWORD="a-long-Passphrase-2026", DJANGO_SUPERUSER_NAME="Ayu")

    made = subprocess.run(
        [*MAKE, "admin",
         "ARGS=--noinput --email ayu@wallet.example"],
        cwd=checkout, env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr

    shown = subprocess.run(
        [str(checkout / ".venv" / "bin" / "python"), "manage.py", "shell", "-c",
         "from tickets.models import User; from tickets.roles import is_admin; "
         "u = User.objects.get(email='ayu@wallet.example'); "
         "print(u.name, u.is_superuser, is_admin(u), u.check_password('a-long-Passphrase-2026'))"],
        cwd=checkout, env={k: v for k, v in env.items() if not k.startswith("DJANGO_")},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert shown.stdout.splitlines()[-1].split() == ["Ayu", "True", "True", "True"], shown.stdout


def test_closing_the_terminal_stops_everything_and_a_copied_env_example_does_not_break_it(
    checkout, make_run
):
    shutil.copy(checkout / ".env.example", checkout / ".env")  # production values
    run = make_run()
    run.wait_for(READY)
    # The development server still answers in plain HTTP on its port, with DEBUG on.
    assert run.get("/") == 200
    assert run.get("/static/css/base.css") == 200

    run.close_terminal()

    nothing_left(run)
    run.exit_status()


def test_a_second_make_run_on_a_port_in_use_says_so(checkout, make_run):
    first = make_run()
    first.wait_for(READY)
    result = subprocess.run(
        [*MAKE, "run"],
        cwd=checkout,
        env={**{n: os.environ[n] for n in KEPT if n in os.environ}, "PORT": str(first.port)},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"port {first.port} is in use" in result.stderr
    first.press_ctrl_c()
    assert first.exit_status() == 0
    nothing_left(first)


# The links in emails follow the port: the environment run.py gives web, worker and beat, read by
# the settings together with the checkout's .env, as the three processes read them.


@pytest.fixture
def dotenv(checkout):
    """Write the checkout's .env for one test; the one before is put back after it."""
    path = checkout / ".env"
    before = path.read_bytes() if path.exists() else None
    yield path.write_text
    if before is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(before)


def site_url(checkout: Path, env: dict[str, str]) -> str:
    """SITE_URL as a process of this checkout reads it (manage.py, the worker, beat)."""
    shown = subprocess.run(
        [str(checkout / ".venv" / "bin" / "python"), "manage.py", "shell", "-c",
         "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=checkout, env=env, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stdout + shown.stderr
    return shown.stdout.splitlines()[-1]


def run_py_environment(checkout: Path, shell: dict[str, str]) -> dict[str, str]:
    """The environment `make run` starts web, worker and beat with, from this shell."""
    made = subprocess.run(
        [str(checkout / ".venv" / "bin" / "python"), "-c",
         "import json, sys; sys.path.insert(0, 'scripts'); import run; "
         "print(json.dumps(run.dev_environment(run.choose_port())))"],
        cwd=checkout, env=shell, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    return json.loads(made.stdout)


def newcomers_shell(**exported: str) -> dict[str, str]:
    return {**{name: os.environ[name] for name in KEPT if name in os.environ}, **exported}


def test_links_in_emails_follow_port_even_when_an_earlier_env_pinned_8000(checkout, dotenv):
    dotenv("DEBUG=true\nSECRET_KEY=" + "k" * 50 + "\nPORT=8000\nSITE_URL=http://127.0.0.1:8000\n")

    env = run_py_environment(checkout, newcomers_shell(PORT="8123"))

    assert env["PORT"] == "8123"
    assert site_url(checkout, env) == "http://127.0.0.1:8123"


def test_manage_py_beside_make_run_links_to_the_port_in_env(checkout, dotenv):
    # What `PORT=8123 make run` writes on its first run, then a command run without exporting.
    dotenv("DEBUG=true\nSECRET_KEY=" + "k" * 50 + "\nPORT=8123\n")

    assert site_url(checkout, newcomers_shell()) == "http://127.0.0.1:8123"
    assert site_url(checkout, run_py_environment(checkout, newcomers_shell())).endswith(":8123")


def test_a_site_url_exported_in_the_shell_still_wins(checkout, dotenv):
    dotenv("DEBUG=true\nSECRET_KEY=" + "k" * 50 + "\nPORT=8000\n")
    shell = newcomers_shell(PORT="8123", SITE_URL="https://help.wallet.example")

    assert site_url(checkout, run_py_environment(checkout, shell)) == "https://help.wallet.example"
