"""A worker survives a Redis outage: kombu's Redis channel may be used after its connection
was closed, and must then fail as a connection error, not an AttributeError.

When the broker connection drops, Celery closes it (kombu sets the transport's `client` to
None) and connects anew. A channel of the old connection can still be used afterwards: an
acknowledgement of a task that finished meanwhile, or the restore of its unacknowledged
messages. Its connection pool was disconnected, so kombu builds a new one from
`transport.client.hostname` and raises AttributeError ('NoneType' object has no attribute
'hostname'). Celery counts that as an unrecoverable error and the worker exits for good (seen
with celery and kombu 5.7.0 in one Redis outage out of four).

Raised as redis's ConnectionError instead, it is one of the transport's connection errors:
Celery logs that the message could not be acknowledged and goes on; the message comes back
from Redis (restored, or after the visibility timeout) and its task runs again, which every
task of ours tolerates (deliveries claim their row by compare-and-swap). The test is in
tests/notifications/test_faults.py.
"""

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

_connparams = kombu_redis.Channel._connparams


def _connparams_of_a_live_connection(self, asynchronous=False):
    if self.connection is None or self.connection.client is None:
        raise RedisConnectionError("the broker connection of this channel was closed")
    return _connparams(self, asynchronous=asynchronous)


def install() -> None:
    kombu_redis.Channel._connparams = _connparams_of_a_live_connection
