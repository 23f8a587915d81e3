"""`make test` (scripts/run_tests.py) says which servers it uses, and stops what it started: a
Redis it had to start is gone once the tests are done (the shared one is never touched: this
asks for a Redis on a spare port)."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_it_stops_the_redis_it_started_and_says_what_it_used(tmp_path):
    port = spare_port()
    # A test of its own that passes when that Redis answers while the tests run.
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        f"import redis\ndef test_redis_answers():\n    assert redis.Redis(port={port}).ping()\n"
    )
    env = {
        **os.environ,
        "TEST_REDIS_URL": f"redis://127.0.0.1:{port}/15",
        "CI": "true",
    }

    result = subprocess.run(
        [sys.executable, "scripts/run_tests.py", str(probe), "-q", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-c", "/dev/null"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )  # fmt: skip

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "1 passed" in output
    assert f"Redis at 127.0.0.1:{port}/15" in output
    assert f"stopped the Redis on port {port} it had started" in output
    assert not answers(port)
