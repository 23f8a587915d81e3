"""Run a heavy, self-contained computation (re-encoding a large image) in a child process, with
a time limit and a memory limit, and get its result back.

The child is a fork of this process: it starts at once, with everything imported, and it only
computes (no database, no logging, no files). It is killed when it takes longer than `seconds`;
the memory it may use is capped with RLIMIT_AS; whatever it allocated goes back to the system
when it exits, so a burst of large photos never leaves a web or Celery worker bigger than it
was (Pillow and malloc keep freed image memory otherwise). os.fork, not multiprocessing: a
Celery prefork child is a daemonic process, which multiprocessing refuses to give children.
"""

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable


class Stopped(Exception):
    """The child ran out of time or memory, or died."""


def run(function: Callable, *args, seconds: float, memory: int):
    """function(*args) in a child process; its exceptions are raised here, and Stopped when
    it takes longer than `seconds` or more than `memory` bytes of address space."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, write the pickled outcome, leave without cleanup
        status = 1
        try:
            os.close(read_end)
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            try:
                outcome = (True, function(*args))
            except MemoryError:
                outcome = (False, Stopped("out of memory"))
            except Exception as error:  # handed to the parent, which raises it
                outcome = (False, error)
            payload = pickle.dumps(outcome)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    chunks = []
    deadline = time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                raise Stopped(f"took longer than {seconds} s")
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    if not chunks:
        raise Stopped("the child process died")
    succeeded, value = pickle.loads(b"".join(chunks))
    if not succeeded:
        raise value
    return value
