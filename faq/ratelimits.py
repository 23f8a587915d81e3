"""Rate limits of the FAQ's write endpoints (django-ratelimit, counting in the default cache).

Two counters per endpoint: per client address, generous because Indonesian mobile networks put
many customers behind one address (carrier-grade NAT), and per visitor (faq.visitors), tighter.
Behind a proxy, set TRUSTED_PROXIES so the address is the customer's, not the proxy's.

When the cache cannot be reached the request is let through (and logged): a customer must never
be refused help because Redis is down.
"""

import logging

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from .visitors import visitor_id

logger = logging.getLogger(__name__)

# group: (per client address, per visitor session)
RATES = {
    # The subject field asks at most every 400 ms while typing.
    "faq-suggest": ("300/m", "60/m"),
    "faq-search": ("300/m", "60/m"),
    "faq-feedback": ("300/h", "30/h"),
    "faq-solved": ("300/h", "30/h"),
}


def rate_limited(request: HttpRequest, group: str) -> bool:
    """Count this request against the group's limits; True when it is over one of them."""
    per_address, per_session = RATES[group]
    try:
        limited = is_ratelimited(request, group=group, key="ip", rate=per_address, increment=True)
        visitor = visitor_id(request)
        if visitor is not None:
            limited |= is_ratelimited(
                request,
                group=f"{group}:session",
                key=lambda _group, _request: visitor,
                rate=per_session,
                increment=True,
            )
    except (RedisError, OSError):
        logger.warning("faq rate limit %s not checked: the cache does not answer", group)
        return False
    return limited
