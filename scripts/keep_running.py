"""Run a command and start it again whenever it exits by itself.

    python scripts/keep_running.py celery --app helpdesk worker ...

A Celery worker can exit for good after a broker outage (README "Faults"). This restarts it
after a pause that doubles from 1 s to 30 s while it keeps failing soon after starting, and
resets once it has run for a minute. It gives up, exiting with the command's status, when it
failed GIVE_UP times in a row within seconds of starting: that is a configuration error a
restart cannot fix, and it must be seen.
`make run` (scripts/run.py) restarts its processes by the same rule (Backoff below).

SIGINT, SIGTERM and SIGHUP are passed on to the command and end this too, once the command has
stopped: Ctrl-C and closing the terminal stop everything, nothing keeps running behind.
"""

import os
import signal
import subprocess
import sys
import time

# The first pause; tests set KEEP_RUNNING_FIRST_PAUSE to go faster.
FIRST_PAUSE = float(os.environ.get("KEEP_RUNNING_FIRST_PAUSE", "1"))
MAX_PAUSE = 30.0
# A run this long counts as healthy: the next failure starts the pauses again from FIRST_PAUSE.
HEALTHY_AFTER = 60.0
# A run shorter than this that fails is a failure to start.
QUICK_FAILURE = 5.0
GIVE_UP = 5


class Backoff:
    """How long to wait before starting a command again that exited by itself, or None to give up.
    Shared with scripts/run.py, which supervises `make run`'s three processes the same way."""

    def __init__(self, first_pause: float = FIRST_PAUSE) -> None:
        self.first_pause = first_pause
        self.pause = first_pause
        self.quick_failures = 0

    def after_exit(self, lasted: float) -> float | None:
        if lasted >= HEALTHY_AFTER:
            self.pause, self.quick_failures = self.first_pause, 0
        self.quick_failures = self.quick_failures + 1 if lasted < QUICK_FAILURE else 0
        if self.quick_failures >= GIVE_UP:
            return None
        pause, self.pause = self.pause, min(self.pause * 2, MAX_PAUSE)
        return pause


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    name = argv[0]
    stopping = False
    child: subprocess.Popen | None = None

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM if signum == signal.SIGHUP else signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)

    backoff = Backoff()
    while True:
        started = time.monotonic()
        child = subprocess.Popen(argv)
        status = child.wait()  # a signal runs stop() and the wait goes on (PEP 475)
        if stopping:
            return 0 if status in (0, -signal.SIGTERM, -signal.SIGINT) else status
        lasted = time.monotonic() - started
        pause = backoff.after_exit(lasted)
        if pause is None:
            print(
                f"keep_running: {name} failed {GIVE_UP} times within seconds of starting; "
                "giving up (see its messages above).",
                file=sys.stderr,
                flush=True,
            )
            return status or 1
        print(
            f"keep_running: {name} exited with status {status} after {lasted:.0f} s; "
            f"starting it again in {pause:.0f} s.",
            file=sys.stderr,
            flush=True,
        )
        deadline = time.monotonic() + pause
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.1)
        if stopping:
            return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
