"""The write benchmark (`make bench-writes`): what a web submission, an API creation, a customer
reply and an agent reply cost at 100,000 and at a million tickets.

For each database (two *_bench databases, filled once by generate_tickets and reused) it starts
gunicorn with 2 sync workers on the project's own code (benchmarks.settings: the project's
settings, a bare JsonResponse view at /bench/bare/, no rate limits), then sends each kind of
request from 4 connections at once, in interleaved rounds. The figure is CPU per request: the
gunicorn workers' CPU plus that database's PostgreSQL backends' CPU (from /proc), divided by
the requests sent. Each is printed beside the bare view's, measured by the same gunicorn in the
same round, as a ratio: steadier than requests per second on a shared machine. The queries per
request are counted by bench_writes_setup through the same code in one process.

Targets (issue "Fast writes"): at a million tickets, web submission and API create each at most
25 times the bare view and 25 queries; the million / 100,000 cost ratio at most 1.1 for each.
"""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg2
from django.core.management.base import BaseCommand, CommandError

from .bench_writes_setup import API_TICKET, web_form

ROOT = Path(__file__).resolve().parents[3]
CONNECTIONS = 4
WORKS = ["bare view", "web submission", "API create", "customer reply", "agent reply"]
TARGET_RATIO = 25
TARGET_QUERIES = 25
TARGET_GROWTH = 1.1
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@dataclass
class Site:
    label: str
    database_url: str
    tickets: int
    setup: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None
    port: int = 0
    samples: dict = field(default_factory=dict)

    def env(self) -> dict:
        return os.environ | {
            "DATABASE_URL": self.database_url,
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_CONN_MAX_AGE": "600",
        }

    def backends(self) -> list[int]:
        parts = urlsplit(self.database_url)
        with (
            psycopg2.connect(
                host=parts.hostname,
                port=parts.port or 5432,
                user=parts.username or "postgres",
                password=parts.password,
                dbname=parts.path.lstrip("/"),
            ) as db,
            db.cursor() as cursor,
        ):
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            return [pid for (pid,) in cursor.fetchall()]

    def cpu(self) -> float:
        pids = children(self.process.pid) + self.backends()
        return sum(cpu_seconds(pid) for pid in pids)


class Command(BaseCommand):
    help = "CPU and queries per write at 100,000 and a million tickets, against a bare view."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--small", default=os.environ.get("SMALL_BENCH_DATABASE_URL", ""))
        parser.add_argument("--large", default=os.environ.get("BIG_BENCH_DATABASE_URL", ""))
        parser.add_argument("--small-tickets", type=int, default=100_000)
        parser.add_argument("--large-tickets", type=int, default=1_000_000)
        parser.add_argument("--requests", type=int, default=200, help="per kind and round")
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--any-database", action="store_true")

    def handle(self, *args, **options) -> None:
        if not options["small"] or not options["large"]:
            raise CommandError("Give --small and --large database URLs (make bench-writes does).")
        if options["requests"] < CONNECTIONS or options["rounds"] < 1:
            raise CommandError(f"--requests must be at least {CONNECTIONS}, --rounds at least 1.")
        sites = [
            Site("100k", options["small"], options["small_tickets"]),
            Site("1M", options["large"], options["large_tickets"]),
        ]
        replies = options["requests"] * (options["rounds"] + 1)
        try:
            for site in sites:
                self.prepare(site, replies, options["any_database"])
                self.start(site)
            for round_number in range(options["rounds"] + 1):  # round 0 warms up
                for site in sites:
                    for work in WORKS:
                        # The bare view costs little: more of it, for as many clock ticks.
                        count = options["requests"] * (5 if work == "bare view" else 1)
                        per_request = self.run(site, work, count)
                        if round_number:
                            site.samples.setdefault(work, []).append(per_request)
                self.stderr.write(f"round {round_number} done")
        finally:
            for site in sites:
                if site.process is not None:
                    site.process.terminate()
                    site.process.wait(timeout=30)
        self.report(sites, options)

    def prepare(self, site: Site, replies: int, any_database: bool) -> None:
        self.stderr.write(f"Preparing {site.label} ({site.database_url})...")
        command = [
            sys.executable,
            "manage.py",
            "bench_writes_setup",
            "--tickets",
            str(site.tickets),
            "--replies",
            str(replies),
        ] + (["--any-database"] if any_database else [])
        done = subprocess.run(
            command, cwd=ROOT, env=site.env(), capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise CommandError(f"bench_writes_setup failed on {site.label}:\n{done.stderr[-3000:]}")
        site.setup = json.loads(done.stdout.strip().splitlines()[-1])

    def start(self, site: Site) -> None:
        site.port = free_port()
        site.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "helpdesk.wsgi:application",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{site.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=site.env() | {"DJANGO_SETTINGS_MODULE": "benchmarks.settings"},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request(site, "GET", "/bench/bare/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise CommandError(f"gunicorn for {site.label} did not answer within 60 s.")

    def request(self, site: Site, method: str, path: str, body=b"", headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            response.read()
            return response.status, response
        finally:
            connection.close()

    def build(self, site: Site, work: str, index: int):
        setup = site.setup
        csrf = setup["csrf"]
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        email = f"{uuid.uuid4().hex}@bench.invalid"
        if work == "bare view":
            return "GET", "/bench/bare/", b"", {}, 200
        if work == "web submission":
            body = urlencode(web_form(email) | {"csrfmiddlewaretoken": csrf}).encode()
            headers = form | {"Cookie": f"csrftoken={csrf}"}
            return "POST", "/tickets/new/payment_failed/", body, headers, 302
        if work == "API create":
            body = json.dumps(API_TICKET | {"email": email}).encode()
            return "POST", "/api/v1/tickets/", body, {"Content-Type": "application/json"}, 201
        if work == "customer reply":
            reference = setup["customer_tickets"][index % len(setup["customer_tickets"])]
            body = urlencode({"body": "Masih belum masuk.", "csrfmiddlewaretoken": csrf}).encode()
            cookie = f"csrftoken={csrf}; sessionid={setup['customer_session']}"
            return "POST", f"/tickets/{reference}/reply/", body, form | {"Cookie": cookie}, 302
        reference = setup["agent_tickets"][index % len(setup["agent_tickets"])]
        body = urlencode(
            {
                "body": "Kami cek ya.",
                "kind": "public",
                "seen": 2**31 - 1,
                "csrfmiddlewaretoken": csrf,
            }
        ).encode()
        cookie = f"csrftoken={csrf}; sessionid={setup['agent_session']}"
        headers = form | {"Cookie": cookie, "HX-Request": "true"}
        return "POST", f"/staff/tickets/{reference}/reply/", body, headers, 200

    def run(self, site: Site, work: str, count: int) -> float:
        """CPU seconds per request of `count` requests of one kind, from CONNECTIONS threads."""
        offset = site.samples.setdefault("_sent", {}).get(work, 0)
        site.samples["_sent"][work] = offset + count
        failures = []

        def send(indexes):
            for index in indexes:
                method, path, body, headers, expected = self.build(site, work, offset + index)
                status, _response = self.request(site, method, path, body, headers)
                if status != expected:
                    failures.append(f"{method} {path}: {status} (expected {expected})")

        threads = [
            threading.Thread(target=send, args=(range(start, count, CONNECTIONS),))
            for start in range(CONNECTIONS)
        ]
        before = site.cpu()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        spent = site.cpu() - before
        if failures:
            raise CommandError(f"{site.label} {work}: {len(failures)} failed; {failures[0]}")
        return spent / count

    def report(self, sites: list[Site], options) -> None:
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS("Write benchmark"))
        out.write(
            f"  gunicorn 2 sync workers, {CONNECTIONS} connections, {options['requests']} "
            f"requests per kind and round, {options['rounds']} rounds (median); CPU per request "
            "= gunicorn workers + PostgreSQL backends"
        )
        header = f"  {'work':<16}"
        for site in sites:
            header += f"{site.label + ' ms':>10}{'x bare':>8}{'queries':>9}"
        out.write(header + f"{'1M/100k':>9}")
        missed = []
        for work in WORKS:
            line = f"  {work:<16}"
            costs = []
            for site in sites:
                cost = statistics.median(site.samples[work])
                bare = statistics.median(site.samples["bare view"])
                ratio = cost / bare if bare else float("nan")
                queries = site.setup["queries"].get(work, 0)
                costs.append(cost)
                line += f"{cost * 1000:10.2f}{ratio:8.1f}{queries:9}"
                if site.label == "1M" and work in ("web submission", "API create"):
                    if ratio > TARGET_RATIO:
                        missed.append(f"{work} {ratio:.0f}x bare > {TARGET_RATIO}")
                    if queries > TARGET_QUERIES:
                        missed.append(f"{work} {queries} queries > {TARGET_QUERIES}")
            growth = costs[1] / costs[0] if costs[0] else float("nan")
            if work != "bare view" and growth > TARGET_GROWTH:
                missed.append(f"{work} 1M/100k {growth:.2f} > {TARGET_GROWTH}")
            out.write(line + f"{growth:9.2f}")
        for site in sites:
            out.write(f"  {site.label}: {site.setup['tickets']:,} tickets in the database")
        if missed:
            out.write(self.style.WARNING("  targets missed: " + "; ".join(missed)))
        else:
            out.write("  all targets met")
