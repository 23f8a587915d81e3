"""`make run`: the whole helpdesk in one terminal (README, "The two commands").

    python scripts/run.py             # what `make run` runs, with the project's virtualenv
    python scripts/run.py --env-only  # only step 1 (`make admin` runs it first)

1. A development `.env` beside manage.py, made on the first run (DEBUG on, a random SECRET_KEY,
   the port): manage.py, the worker and beat read it too, so every documented command works in
   this checkout without exporting anything. An existing `.env` is never changed.
2. Translations compiled, the database migrated and the demo data loaded, quietly: their output
   goes to var/log/prepare.log and is shown only when a step fails.
3. The web server, a Celery worker and Celery beat, each in its own process group. Their output
   goes whole to var/log/<name>.log; the terminal stays quiet until all three are up, then shows
   the URLs and demo logins last, and from then on the web's lines, every warning and error, and
   the worker's "ping from ..." lines (admin's "Send a test task").
4. A process that exits by itself is started again after a pause (scripts/keep_running.py's
   Backoff: 1 s doubling to 30 s); one that keeps failing at start stops everything, with its last
   lines shown.
5. Ctrl-C, closing the terminal (SIGHUP) or SIGTERM stop all three: the worker warmly (it takes no
   new task and finishes the ones it holds), then whatever is left after STOP_SECONDS is killed
   with its whole process group. Nothing keeps running behind, and nothing answers on the port.

Whatever the environment or `.env` says, the development server runs with DEBUG on, plain HTTP
cookies and links to its own port (DEV_SETTINGS; a variable exported in the shell still wins), so
a `.env` copied from `.env.example` (production values) cannot break `make run`.
"""

import contextlib
import ctypes
import os
import re
import secrets
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from keep_running import Backoff

ROOT = Path(__file__).resolve().parent.parent
DOTENV = ROOT / ".env"
DEFAULT_PORT = 8000
# Waiting for the three processes to be up before the URLs are printed anyway, with what is late.
READY_SECONDS = 120
# The worker's warm shutdown finishes the tasks it holds (an email takes milliseconds); whatever
# still runs after this is killed. Tasks are acknowledged late: a killed one is delivered again.
STOP_SECONDS = 20
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?P<level>[A-Z]+) (?P<logger>\S+): ")
SHOWN_LEVELS = {"WARNING", "ERROR", "CRITICAL"}
COLOURS = {"web": "36", "worker": "33", "beat": "32", "run": "1"}

DOTENV_TEXT = """\
# Made by the first `make run` for this development checkout. manage.py, the Celery worker and
# beat read it too, so `python manage.py <command>` works here without exporting anything.
# Production settings are documented in .env.example; the environment wins over this file.
DEBUG=true
SECRET_KEY={secret_key}
PORT={port}
# The embedded defaults (no server needed): left empty, the database is SQLite under var/, the
# Celery broker is files under var/broker/ and emails are files in var/mail/.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk
# REDIS_URL=redis://127.0.0.1:6379/0
# EMAIL_HOST=
"""


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments and blank lines skipped, quotes removed)."""
    values = {}
    if not path.exists():
        return values
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def make_dotenv(port: int) -> bool:
    """Write the development .env if there is none; True when it was made."""
    if DOTENV.exists():
        return False
    DOTENV.write_text(DOTENV_TEXT.format(secret_key=secrets.token_urlsafe(50), port=port))
    DOTENV.chmod(0o600)
    return True


def choose_port() -> int:
    raw = os.environ.get("PORT") or read_dotenv(DOTENV).get("PORT") or str(DEFAULT_PORT)
    try:
        port = int(raw)
    except ValueError:
        raise SystemExit(f"make run: PORT must be a number, not {raw!r}.") from None
    if not 1 <= port <= 65535:
        raise SystemExit(f"make run: PORT must be between 1 and 65535, not {port}.")
    return port


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def dev_environment(port: int) -> dict[str, str]:
    dev_settings = {
        "DEBUG": "true",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": f"http://127.0.0.1:{port}",
    }
    return {**dev_settings, **os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}


try:
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux
    _PRCTL = None


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Linux: this process gets `signum` when its parent dies, however it died (also run in a
    child between fork and exec, so it only calls what is loaded already)."""
    if _PRCTL is not None:
        _PRCTL(1, signum)  # PR_SET_PDEATHSIG


class Terminal:
    """One writer for the lines of all processes, coloured when the terminal shows colours."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.colour = sys.stdout.isatty() and os.environ.get("NO_COLOR") is None
        self.gone = False  # a closed terminal: the logs under var/log/ go on without it

    def say(self, name: str, text: str) -> None:
        prefix = f"{name:<6}| "
        if self.colour:
            prefix = f"\033[{COLOURS.get(name, '0')}m{prefix}\033[0m"
        self.write("".join(f"{prefix}{line}\n" for line in text.splitlines() or [""]))

    def plain(self, text: str) -> None:
        self.write(text + "\n")

    def write(self, text: str) -> None:
        with self.lock:
            if self.gone:
                return
            try:
                sys.stdout.write(text)
                sys.stdout.flush()
            except OSError:  # EIO once the terminal is closed, EPIPE for a closed pipe
                self.gone = True


class Child:
    """One supervised process: its output to var/log/<name>.log, and to the terminal once shown."""

    def __init__(self, name: str, argv: list[str], ready_text: str | None, terminal: Terminal):
        self.name = name
        self.argv = argv
        self.ready_text = ready_text
        self.terminal = terminal
        self.process: subprocess.Popen | None = None
        self.backoff = Backoff()
        self.started_at = 0.0
        self.restart_at: float | None = None
        self.ready = False
        self.showing = False  # the terminal shows lines once everything is up
        self.shown_last = False
        self.tail: list[str] = []

    def start(self, env: dict[str, str], log_dir: Path) -> None:
        self.ready = False
        self.tail = []
        log = (log_dir / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            process_group=0,  # Ctrl-C reaches the supervisor only; it stops each in order
            preexec_fn=die_with_parent,
        )
        self.started_at = time.monotonic()
        threading.Thread(target=self.read, args=(self.process, log), daemon=True).start()

    def read(self, process: subprocess.Popen, log) -> None:
        with log:
            for raw in process.stdout:
                log.write(raw)
                log.flush()
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                self.tail = [*self.tail[-39:], line]
                if self.ready_text and self.ready_text in line:
                    self.ready = True
                if self.showing and self.shows(line):
                    self.terminal.say(self.name, line)

    def shows(self, line: str) -> bool:
        if self.name == "web":
            return True
        match = LOG_LINE.match(line)
        if match is None:  # a continuation (a traceback, a multi-line message) goes with its line
            self.shown_last = self.shown_last or line.startswith("Traceback")
        else:
            self.shown_last = match["level"] in SHOWN_LEVELS or "ping from" in line
        return self.shown_last

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, signum: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def group_alive(self) -> bool:
        if self.process is None:
            return False
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True


class Supervisor:
    WEB = ["runserver"]
    WORKER = [
        "-m",
        "celery",
        "--app",
        "helpdesk",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        "2",
        "--hostname",
    ]
    BEAT = ["-m", "celery", "--app", "helpdesk", "beat", "--loglevel", "INFO", "--pidfile="]

    def __init__(self, port: int, env: dict[str, str]) -> None:
        self.port = port
        self.env = env
        self.terminal = Terminal()
        self.stopping = False
        self.forced = False
        self.log_dir = Path(env.get("VAR_DIR") or read_dotenv(DOTENV).get("VAR_DIR") or "var")
        if not self.log_dir.is_absolute():
            self.log_dir = ROOT / self.log_dir
        self.log_dir = self.log_dir / "log"
        python = sys.executable
        self.children = [
            Child(
                "web", [python, "manage.py", *self.WEB, f"127.0.0.1:{port}"], None, self.terminal
            ),
            Child("worker", [python, *self.WORKER, f"worker-{port}@%h"], " ready.", self.terminal),
            Child("beat", [python, *self.BEAT], "beat: Starting", self.terminal),
        ]

    # Signals only set flags; the main thread acts on them (and is the only one to start
    # processes: a child's "die with parent" follows the thread that started it).
    def on_signal(self, signum, _frame) -> None:
        if self.stopping and signum == signal.SIGINT:
            self.forced = True
        self.stopping = True

    def prepare(self) -> bool:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / "prepare.log"
        started = time.monotonic()
        self.seed_output = ""
        with log_path.open("w") as log:
            for what, command in (
                ("translations", ["compiletranslations"]),
                ("database", ["migrate", "--noinput"]),
                ("demo data", ["seed_demo"]),
            ):
                if self.stopping:
                    return False
                result = subprocess.run(
                    [sys.executable, "manage.py", *command],
                    cwd=ROOT,
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                log.write(f"$ manage.py {' '.join(command)}\n{result.stdout}{result.stderr}\n")
                if result.returncode:
                    self.terminal.plain(
                        f"make run: preparing the {what} failed (manage.py {' '.join(command)}):\n"
                        f"{(result.stdout + result.stderr).strip()}"
                    )
                    return False
                if command[0] == "seed_demo":
                    self.seed_output = result.stdout.strip()
        shown = log_path.relative_to(ROOT) if log_path.is_relative_to(ROOT) else log_path
        self.terminal.plain(
            f"Translations, database and demo data ready in {time.monotonic() - started:.0f} s "
            f"(details: {shown})."
        )
        return True

    def web_answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # it answers (503 "degraded" still means the web process is up)
        except OSError:
            return False

    def announce(self, late: list[str]) -> None:
        base = f"http://127.0.0.1:{self.port}"
        lines = ["", self.seed_output, ""] if self.seed_output else [""]
        if late:
            lines.append(
                f"Still starting: {', '.join(late)} (see {self.log_dir}/<name>.log); "
                "the pages may not answer yet."
            )
        lines += [
            "The helpdesk is running: web, worker and beat.",
            f"  Help centre        {base}/",
            f"  Staff workspace    {base}/staff/",
            f"  Django admin       {base}/admin/",
            f"  API docs           {base}/api/docs/",
            f"Full logs in {self.log_dir}/ (web.log, worker.log, beat.log). "
            "Ctrl-C stops everything.",
            "",
        ]
        self.terminal.plain("\n".join(lines))
        for child in self.children:
            child.showing = True

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self.on_signal)
        if not self.prepare():
            return 0 if self.stopping else 1
        for child in self.children:
            child.start(self.env, self.log_dir)
        began = time.monotonic()
        announced = False
        status = 0
        while not self.stopping:
            now = time.monotonic()
            for child in self.children:
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        child.restart_at = None
                        child.start(self.env, self.log_dir)
                    continue
                if child.alive():
                    continue
                code = child.process.returncode
                if child.group_alive():  # what it left behind (a worker's pool children)
                    child.signal_group(signal.SIGKILL)
                pause = child.backoff.after_exit(now - child.started_at)
                if pause is None:
                    self.terminal.say(
                        "run",
                        f"{child.name} keeps failing at start (status {code}); stopping. "
                        f"Its last lines:\n" + "\n".join(child.tail[-20:]),
                    )
                    self.stopping, status = True, 1
                    break
                self.terminal.say(
                    "run",
                    f"{child.name} exited with status {code}; starting it again in {pause:.0f} s.",
                )
                if not announced:
                    self.terminal.plain("\n".join(child.tail[-10:]))
                child.restart_at = now + pause
            if terminal_hung_up():
                self.stopping = True  # the window was closed (see terminal_hung_up)
            if not announced and not self.stopping:
                web = self.children[0]
                web.ready = web.ready or (web.alive() and self.web_answers())
                late = [child.name for child in self.children if not child.ready]
                if not late or now - began > READY_SECONDS:
                    self.announce(late)
                    announced = True
            time.sleep(0.2)
        self.stop()
        return status

    def stop(self) -> None:
        self.terminal.plain("\nStopping web, worker and beat...")
        for child in self.children:
            child.restart_at = None
            if not child.alive():
                continue
            if child.name == "worker":
                # The worker alone: a warm shutdown, its pool children told by it, not by us.
                child.process.send_signal(signal.SIGTERM)
            else:
                # The development server's reloader runs the server as its child: both go.
                child.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        while time.monotonic() < deadline and not self.forced:
            if not any(child.alive() for child in self.children):
                break
            time.sleep(0.1)
        for child in self.children:
            if child.alive():
                self.terminal.say("run", f"{child.name} did not stop in time; killing it.")
            # Whatever is left of each group (a pool child, the server under the reloader).
            if child.group_alive():
                child.signal_group(signal.SIGKILL)
            if child.process is not None:
                child.process.wait()
        self.terminal.plain("Stopped: nothing of this helpdesk is running any more.")


# Whether this started in a terminal (asked once: a closed terminal answers isatty() with False).
STARTED_IN_A_TERMINAL = sys.stdin.isatty()


def terminal_hung_up() -> bool:
    """The terminal was closed. Its hang-up signals only the session's leader (a shell, which
    passes SIGHUP on to make's process group, not this one) so this also looks for itself."""
    if not STARTED_IN_A_TERMINAL:
        return False
    poller = select.poll()
    poller.register(sys.stdin.fileno(), select.POLLHUP)
    return any(events & (select.POLLHUP | select.POLLERR) for _, events in poller.poll(0))


def take_the_terminal() -> tuple[int, int] | None:
    """Become the terminal's foreground process group: Ctrl-C then reaches this supervisor only,
    not make (which would report the interrupt as its own error). Returns what to give back."""
    if not STARTED_IN_A_TERMINAL:
        return None
    fd = sys.stdin.fileno()
    try:
        previous = os.tcgetpgrp(fd)
        if previous != os.getpgrp():
            return None  # started in the background: leave the terminal alone
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        os.setpgid(0, 0)
        os.tcsetpgrp(fd, os.getpgrp())
    except OSError:
        return None
    return fd, previous


def give_back(terminal: tuple[int, int] | None) -> None:
    if terminal is None:
        return
    with contextlib.suppress(OSError):  # the terminal is gone (closed window) or make has exited
        os.tcsetpgrp(*terminal)


def main(argv: list[str]) -> int:
    port = choose_port()
    if make_dotenv(port):
        print(f"make run: made {DOTENV.name} for development (DEBUG on, a new SECRET_KEY).")
    if argv == ["--env-only"]:  # `make admin`: the development .env, nothing started
        return 0
    if not port_is_free(port):
        print(
            f"make run: port {port} is in use, maybe by another `make run`. Stop it, or pick "
            f"another port: PORT={port + 1} make run",
            file=sys.stderr,
        )
        return 1
    # make dying (closed terminal, killed) stops this too; this stops the three processes.
    die_with_parent(signal.SIGHUP)
    terminal = take_the_terminal()
    try:
        return Supervisor(port, dev_environment(port)).run()
    finally:
        give_back(terminal)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
