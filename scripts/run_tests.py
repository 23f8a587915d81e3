"""`make test`: make sure PostgreSQL and Redis answer (starting local ones when installed but
stopped), then run pytest against them. pytest's exit code is this script's exit code. It says
which servers it used, and stops afterwards what it started (a Redis, a PostgreSQL cluster).

Under CI=true a service that does not answer fails the run with one line. Without CI the tests that
need it are skipped, each with the reason in pytest's summary, and the rest run on SQLite.

Environment: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/helpdesk; pytest-django
creates and drops test_<name>) and TEST_REDIS_URL (default redis://127.0.0.1:6379/15, flushed by the
suite, so keep it a database nothing else uses).
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/helpdesk"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
WAIT_SECONDS = 15


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def postgres_answers(url: str) -> bool:
    import psycopg2

    parts = urlsplit(url)
    try:
        psycopg2.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or "",
            dbname="postgres",
            connect_timeout=2,
        ).close()
        return True
    except psycopg2.Error:
        return False


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


# What this run started, stopped again once pytest is done.
STARTED: list[tuple[str, "subprocess.Popen | list[str]"]] = []


def start_postgres() -> None:
    if not shutil.which("pg_ctlcluster"):
        return
    for version in (
        sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    ):
        started = subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            capture_output=True,
            check=False,
        )
        if started.returncode == 0:
            stop = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "stop"]
            STARTED.append((f"PostgreSQL {version}", stop))


def start_redis(url: str) -> None:
    if not shutil.which("redis-server"):
        return
    parts = urlsplit(url)
    # A child of this run, keeping nothing on disk: stopped when the tests are done.
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            parts.hostname or "127.0.0.1",
            "--port",
            str(parts.port or 6379),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C goes to pytest; the Redis is stopped after it
    )
    STARTED.append((f"Redis on port {parts.port or 6379}", process))


def stop_what_was_started() -> None:
    for name, how in reversed(STARTED):
        if isinstance(how, subprocess.Popen):
            how.terminate()
            try:
                how.wait(10)
            except subprocess.TimeoutExpired:
                how.kill()
                how.wait()
        else:
            subprocess.run(how, capture_output=True, check=False)
        print(f"make test: stopped the {name} it had started.", flush=True)


def ensure(name: str, check, start) -> bool:
    if check():
        return True
    print(f"make test: {name} does not answer; trying to start a local one...", flush=True)
    start()
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return False


CHROMIUM = "/usr/bin/chromium"
NGINX = "/usr/sbin/nginx"


def ensure_debian_package(path: str, package: str, purpose: str) -> bool:
    """A program from a Debian package, installed when missing and we may (root)."""
    if os.path.exists(path):
        return True
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    print(f"make test: installing Debian's {package} for {purpose}...", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": False}
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(["apt-get", "install", "-y", package], env=env, **quiet).returncode:
        subprocess.run(["apt-get", "update"], env=env, **quiet)
        subprocess.run(["apt-get", "install", "-y", package], env=env, **quiet)
    return os.path.exists(path)


def ensure_chromium() -> bool:
    return ensure_debian_package(CHROMIUM, "chromium", "the browser tests")


def ensure_nginx() -> bool:
    """The proxy tests (tests/deploy/) run the compose stack's nginx config in a real nginx."""
    return ensure_debian_package(NGINX, "nginx", "the proxy tests")


def main(argv: list[str]) -> int:
    ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    database_url = os.environ.get("TEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)
    missing = []
    if not ensure("PostgreSQL", lambda: postgres_answers(database_url), start_postgres):
        missing.append(("postgres", f"PostgreSQL at {urlsplit(database_url).netloc}"))
    if not ensure("Redis", lambda: redis_answers(redis_url), lambda: start_redis(redis_url)):
        missing.append(("redis", f"Redis at {urlsplit(redis_url).netloc}"))
    if not ensure_chromium():
        missing.append(("browser", f"Chromium at {CHROMIUM}"))
    if not ensure_nginx():
        missing.append(("nginx", f"nginx at {NGINX}"))
    if missing and ci:
        names = " and ".join(where for _, where in missing)
        print(f"make test: {names} not answering and could not be started; CI=true needs them.")
        return 1

    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="test-only-secret-key-that-is-long-enough-for-django",
        SECURE_SSL_REDIRECT="false",
        VAR_DIR=str(ROOT / "var" / "test"),
        HELPDESK_TEST_MISSING_SERVICES=",".join(name for name, _ in missing),
        # A development checkout's .env (made by `make run`) is not the tests' configuration.
        HELPDESK_IGNORE_DOTENV="1",
    )
    env.pop("CELERY_BROKER_URL", None)
    env.pop("EMAIL_HOST", None)
    if any(name == "postgres" for name, _ in missing):
        env["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'test' / 'unused.sqlite3'}"
    else:
        env["DATABASE_URL"] = database_url
    if any(name == "redis" for name, _ in missing):
        env.pop("REDIS_URL", None)
    else:
        env["REDIS_URL"] = redis_url

    used = [
        f"PostgreSQL at {urlsplit(database_url).hostname}:{urlsplit(database_url).port or 5432}"
        if "postgres" not in dict(missing)
        else "SQLite (no PostgreSQL)",
        f"Redis at {urlsplit(redis_url).netloc}{urlsplit(redis_url).path}"
        if "redis" not in dict(missing)
        else "no Redis",
    ]
    print(f"make test: using {' and '.join(used)}.", flush=True)

    python = sys.executable
    # The project's translations and each app's (faq/locale/...).
    if glob.glob(str(ROOT / "locale" / "*" / "LC_MESSAGES" / "*.po")) or glob.glob(
        str(ROOT / "*" / "locale" / "*" / "LC_MESSAGES" / "*.po")
    ):
        compiled = subprocess.run(
            [python, "manage.py", "compiletranslations"],
            cwd=ROOT,
            env=env,
            check=False,
        )
        if compiled.returncode:
            return compiled.returncode
    tests = subprocess.Popen([python, "-m", "pytest", *argv], cwd=ROOT, env=env)
    while True:
        try:
            return tests.wait()
        except KeyboardInterrupt:  # Ctrl-C reached pytest too: wait for its summary
            continue


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    finally:
        stop_what_was_started()


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
