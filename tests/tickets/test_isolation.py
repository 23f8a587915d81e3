"""tickets.isolation.run: a computation in a child process, with a time and a memory limit."""

import os
import threading

import pytest

from tickets import isolation

MB = 1024 * 1024


def test_it_returns_what_the_child_computed():
    assert isolation.run(pow, 2, 100, seconds=10, memory=1024 * MB) == 2**100


def test_it_raises_the_childs_exception_here():
    with pytest.raises(ZeroDivisionError):
        isolation.run(divmod, 1, 0, seconds=10, memory=1024 * MB)


def test_it_kills_a_child_that_takes_too_long():
    import time

    with pytest.raises(isolation.Stopped, match="longer than"):
        isolation.run(time.sleep, 30, seconds=0.2, memory=1024 * MB)


def test_it_stops_a_child_that_wants_too_much_memory():
    with pytest.raises(isolation.Stopped, match="memory"):
        isolation.run(bytearray, 4096 * MB, seconds=10, memory=1024 * MB)


def churn(rounds: int) -> None:
    for _ in range(rounds):
        blocks = [bytearray(3 * MB) for _ in range(5)]
        del blocks


def test_the_limit_holds_after_the_parent_has_freed_large_blocks():
    # A long-running web or Celery worker (or this test session after many images) holds free
    # blocks between the ones it still uses: a child filling them would be unseen by RLIMIT_AS.
    bytearray(24 * MB)  # freed at once: glibc now serves blocks of 20 MB from its heap
    blocks = [bytearray(20 * MB) for _ in range(12)]
    kept = blocks[1::2]
    del blocks

    with pytest.raises(isolation.Stopped, match="memory"):
        isolation.run(lambda size: len(bytearray(size)), 16 * MB, seconds=10, memory=8 * MB)
    assert isolation.run(lambda size: len(bytearray(size)), 4 * MB, seconds=10, memory=8 * MB)
    assert len(kept) == 6


def test_the_limit_holds_after_threads_have_allocated():
    # Threads (runserver's, the test live server's) leave malloc arenas that hold address space
    # reserved; glibc grows into it when a fresh mapping is refused, unseen by RLIMIT_AS.
    threads = [threading.Thread(target=churn, args=(100,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    churn(100)
    for thread in threads:
        thread.join()

    with pytest.raises(isolation.Stopped, match="memory"):
        isolation.run(lambda size: len(bytearray(size)), 16 * MB, seconds=10, memory=8 * MB)
    assert isolation.run(lambda size: len(bytearray(size)), 4 * MB, seconds=10, memory=8 * MB)


def test_a_child_that_dies_is_reported():
    with pytest.raises(isolation.Stopped, match="died"):
        isolation.run(os._exit, 3, seconds=10, memory=1024 * MB)
