"""Private services for the fault tests: a redis-server and Celery worker processes of our own,
on spare ports, so they can be stopped and killed. The machine's shared PostgreSQL and Redis,
which the rest of the suite uses, are never touched."""

import os
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

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in stop/kill)
            prefix="fault-worker-", suffix=".log", delete=False
        )

    def start(self) -> "WorkerProcess":
        self.process = subprocess.Popen(
            [
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
