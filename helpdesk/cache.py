"""The Redis cache, failing open: when Redis does not answer, every cache call returns what a
miss returns, at once, and the request goes on.

Everything the helpdesk keeps in the cache can be lost: rate-limit counters (a request is let
through: a customer must never be refused help because Redis blinked), presence (nobody shown
as viewing), FAQ view counters (a view goes uncounted). After a failure this process skips Redis
for RETRY_SECONDS instead of paying a connection timeout on every call; the first failure of an
outage is logged, and every call answered without Redis is counted (degraded_calls(), /healthz).
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0

_lock = threading.Lock()
_down_until = 0.0
_degraded_calls = 0


def degraded_calls() -> int:
    """Cache calls this process answered without Redis since it started."""
    return _degraded_calls


def cache_is_down() -> bool:
    return time.monotonic() < _down_until


def _failed(error: Exception | None) -> None:
    global _down_until, _degraded_calls
    with _lock:
        _degraded_calls += 1
        if error is not None and not cache_is_down():
            logger.warning(
                "cache unavailable (%s): answering without it for %.0f s", error, RETRY_SECONDS
            )
        if error is not None:
            _down_until = time.monotonic() + RETRY_SECONDS


def _fail_open(name: str, miss):
    """A RedisCache method that answers `miss(*args, **kwargs)` when Redis does not."""
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        if cache_is_down():
            _failed(None)
            return miss(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except (RedisError, OSError) as error:
            _failed(error)
            return miss(*args, **kwargs)

    wrapper.__name__ = name
    wrapper.__doc__ = method.__doc__
    return wrapper


def _increment_miss(key, delta=1, version=None):
    # What Django's cache raises for a missing key: callers (django-ratelimit) treat the count
    # as unknown, and RATELIMIT_FAIL_OPEN lets the request through.
    raise ValueError(f"Key '{key}' not found (the cache is unavailable)")


class FailOpenRedisCache(RedisCache):
    add = _fail_open("add", lambda key, value, timeout=None, version=None: False)
    get = _fail_open("get", lambda key, default=None, version=None: default)
    set = _fail_open("set", lambda key, value, timeout=None, version=None: None)
    touch = _fail_open("touch", lambda key, timeout=None, version=None: False)
    delete = _fail_open("delete", lambda key, version=None: False)
    get_many = _fail_open("get_many", lambda keys, version=None: {})
    has_key = _fail_open("has_key", lambda key, version=None: False)
    incr = _fail_open("incr", _increment_miss)
    set_many = _fail_open("set_many", lambda data, timeout=None, version=None: list(data))
    delete_many = _fail_open("delete_many", lambda keys, version=None: None)
    clear = _fail_open("clear", lambda: False)
