"""Private services for the fault tests: a redis-server, a PostgreSQL server, Celery worker
processes and gunicorn of our own, on spare ports, so they can be stopped and killed. The
machine's shared PostgreSQL and Redis, which the rest of the suite uses, are never touched."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

from .mailserver import free_port

ROOT = Path(__file__).resolve().parents[2]


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.1, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")


class PrivateRedis:
    """A redis-server without persistence: stopping it loses what was queued, like a crash."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--loglevel", "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self.answers, 10, what="the private redis-server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None


class WorkerProcess:
    """`celery worker` as production runs it (prefork), in its own process group."""

    def __init__(self, env: dict[str, str], *, supervised: bool = False) -> None:
        self.env = env
        # Under scripts/keep_running.py, as `make run` starts it: restarted when it exits.
        self.supervised = supervised
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in stop/kill)
            prefix="fault-worker-", suffix=".log", delete=False
        )

    def start(self) -> "WorkerProcess":
        supervisor = [sys.executable, "scripts/keep_running.py"] if self.supervised else []
        self.process = subprocess.Popen(
            [
                *supervisor,
                sys.executable, "-m", "celery", "-A", "helpdesk", "worker",
                "--pool", "prefork", "--concurrency", "1",
                "--without-heartbeat", "--without-mingle", "--without-gossip",
                "--hostname", f"fault-{os.getpid()}-{time.monotonic_ns()}@%h",
                "--loglevel", "INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill takes the pool child too
        )  # fmt: skip
        wait_until(lambda: "ready." in self.output() or self.process.poll() is not None, 60)
        assert self.process.poll() is None, self.output()
        return self

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and its pool: no warm shutdown, no acknowledgements."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None
        self.log.close()


class BeatProcess:
    """`celery beat` with the database scheduler, as production runs exactly one of."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in stop)
            prefix="beat-", suffix=".log", delete=False
        )

    def start(self) -> "BeatProcess":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "helpdesk", "beat", "--loglevel", "INFO",
             "--pidfile="],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_until(lambda: "beat: Starting" in self.output() or self.process.poll() is not None, 60)
        assert self.process.poll() is None, self.output()
        return self

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.process = None
        self.log.close()


def _postgres_bin(name: str) -> str:
    """Debian keeps PostgreSQL's server programs out of PATH, under /usr/lib/postgresql/<v>/bin."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if found:
        return str(found[-1])
    return name


class PrivatePostgres:
    """A PostgreSQL server of the test's own (initdb in a temporary directory, a spare port),
    to be stopped and started again; the machine's shared server is never touched. Runs as the
    postgres user when the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="private-postgres-"))
        self.data = self.directory / "data"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.directory, "postgres")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*self.as_postgres, *command], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def init(self) -> "PrivatePostgres":
        self._run(
            _postgres_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        return self

    def start(self) -> None:
        self._run(
            _postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"),
            "-w", "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off",
            "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(_postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def copy_database(self, source_url: str, name: str) -> str:
        """A copy of another server's database (schema and rows), by pg_dump and psql."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        dump = subprocess.run(
            ["pg_dump", "--no-owner", "--no-privileges", source_url],
            capture_output=True,
            check=True,
        )
        loaded = subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", self.url(name)],
            input=dump.stdout,
            capture_output=True,
            check=False,
        )
        assert loaded.returncode == 0, loaded.stderr.decode()[-2000:]
        return self.url(name)

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self.as_postgres, _postgres_bin("pg_ctl"), "-D", str(self.data), "-m",
                 "immediate", "stop"],
                capture_output=True, check=False,
            )  # fmt: skip
        shutil.rmtree(self.directory, ignore_errors=True)


def collect_static(root: Path) -> Path:
    """DEBUG off serves hashed static files: collect them for a gunicorn of the tests."""
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "false", "STATIC_ROOT": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return root


class Gunicorn:
    """gunicorn as production runs it (deploy/gunicorn.conf.py) on a spare port, DEBUG off."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SITE_URL": self.base,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            # Plain HTTP on loopback: the cookies cannot be Secure-only here.
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            **env,
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> "Gunicorn":
        import requests

        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "helpdesk.asgi",
                 "--config", "deploy/gunicorn.conf.py",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", "1"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

        def answers() -> bool:
            try:
                return requests.get(f"{self.base}/healthz", timeout=1).status_code < 600
            except requests.RequestException:
                return False

        wait_until(lambda: answers() or self.process.poll() is not None, 60, what="gunicorn")
        assert self.process.poll() is None, self.output()
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)
