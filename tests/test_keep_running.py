"""scripts/keep_running.py, which `make run` puts around the worker and beat: a command that exits
by itself starts again, one that cannot start is given up on, a signal stops both."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = str(ROOT / "scripts" / "keep_running.py")


def keep_running(*command: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, SCRIPT, *command],
        env={**os.environ, "KEEP_RUNNING_FIRST_PAUSE": "0.1"},
        stderr=subprocess.PIPE,
        text=True,
    )


def counting_command(counter: Path, *, stay_from: int) -> list[str]:
    """Appends a line to `counter` and exits at once, until its `stay_from`th run stays."""
    code = (
        "import sys, time, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "with p.open('a') as f: f.write('run\\n')\n"
        f"time.sleep(60 if len(p.read_text().splitlines()) >= {stay_from} else 0)\n"
        "sys.exit(1)\n"
    )
    return [sys.executable, "-c", code, str(counter)]


def runs(counter: Path) -> int:
    return len(counter.read_text().splitlines()) if counter.exists() else 0


def wait_for(predicate, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_it_starts_a_command_that_exited_again_and_stops_it_on_a_signal(tmp_path):
    counter = tmp_path / "runs"
    supervisor = keep_running(*counting_command(counter, stay_from=3))

    wait_for(lambda: runs(counter) == 3)
    time.sleep(0.3)
    supervisor.send_signal(signal.SIGTERM)

    assert supervisor.wait(10) == 0
    assert runs(counter) == 3
    assert supervisor.stderr.read().count("starting it again") == 2


def test_it_gives_up_on_a_command_that_cannot_start(tmp_path):
    counter = tmp_path / "runs"
    supervisor = keep_running(*counting_command(counter, stay_from=100))

    assert supervisor.wait(30) == 1
    assert runs(counter) == 5
    assert "giving up" in supervisor.stderr.read()


def test_closing_the_terminal_stops_the_command_too(tmp_path):
    counter = tmp_path / "runs"
    supervisor = keep_running(*counting_command(counter, stay_from=1))
    wait_for(lambda: runs(counter) == 1)

    supervisor.send_signal(signal.SIGHUP)

    assert supervisor.wait(10) == 0
    children = subprocess.run(
        ["pgrep", "-f", str(counter)], capture_output=True, text=True, check=False
    )
    assert children.stdout.strip() == ""
