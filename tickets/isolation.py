"""Run a heavy, self-contained computation (re-encoding a large image) in a child process, with
a time limit and a memory limit, and get its result back.

The child is a fork of this process: it starts at once, with everything imported, and it only
computes (no database, no logging, no files). It is killed when it takes longer than `seconds`.
It may allocate at most `memory` bytes: RLIMIT_AS caps its address space at what it was forked
with plus `memory`, after it has claimed (without touching their pages) the free blocks of the
parent's heap and the space its threads' arenas hold reserved, which it would otherwise fill
unseen by the limit: a long-running worker that once decoded large images, or served requests
on threads, has plenty. Whatever the child allocated goes back to the system when it exits, so
a burst of large photos never leaves a web or Celery worker bigger than it was (Pillow and
malloc keep freed image memory otherwise). os.fork, not multiprocessing: a Celery prefork
child is a daemonic process, which multiprocessing refuses to give children.
"""

import contextlib
import ctypes
import ctypes.util
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable

SMALLEST_CLAIM = 64 * 1024
LARGEST_CLAIM = 1 << 34


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _claim_free_heap() -> None:
    """malloc every block of at least SMALLEST_CLAIM that needs no fresh address space, and keep
    them: free blocks of the parent's heap, and the space a thread's arena holds reserved (the
    parent's threads leave such arenas, and the thread that forked may use one; glibc grows
    into that space when a fresh mapping is refused). Called while no fresh address space may
    be mapped, so a block that would need it is refused and a smaller one tried."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
    except OSError:
        return
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    size = LARGEST_CLAIM
    while size >= SMALLEST_CLAIM:
        if not libc.malloc(size):
            size //= 2


def _cap_memory(extra: int) -> None:
    """Limit this (child) process to `extra` bytes of memory beyond what it has now."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        size = _address_space()
    except OSError:  # no /proc: the cap is then absolute
        size = 0
    else:
        resource.setrlimit(resource.RLIMIT_AS, (size, hard))
        with contextlib.suppress(MemoryError):  # Python needed fresh memory: claimed enough
            _claim_free_heap()
        size = _address_space()
    cap = size + extra if hard == resource.RLIM_INFINITY else min(size + extra, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


class Stopped(Exception):
    """The child ran out of time or memory, or died."""


def run(function: Callable, *args, seconds: float, memory: int):
    """function(*args) in a child process; its exceptions are raised here, and Stopped when
    it takes longer than `seconds` or needs more than `memory` bytes of fresh memory."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, write the pickled outcome, leave without cleanup
        status = 1
        try:
            os.close(read_end)
            _cap_memory(memory)
            try:
                outcome = (True, function(*args))
            except MemoryError:
                outcome = (False, Stopped("out of memory"))
            except Exception as error:  # handed to the parent, which raises it
                outcome = (False, error)
            try:
                payload = pickle.dumps(outcome)
            except MemoryError:  # a result too large to hand back within the limit
                payload = pickle.dumps((False, Stopped("out of memory")))
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
