"""Rate limits of ticket creation and FAQ search (settings.REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES): one counter per user or API key, one per client address, both in the
default cache. When the cache does not answer the request goes through (and is logged): a
customer must never be refused help because Redis is down."""

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiKey

logger = logging.getLogger(__name__)


class _ScopedThrottle(SimpleRateThrottle):
    """Counts against "<view.throttle_scope>-<per>"; views without a scope are not limited."""

    per = ""

    def __init__(self) -> None:  # the rate depends on the view: read in allow_request
        pass

    def get_rate(self) -> str:
        # Read now, not at import: settings may change (tests) after this class was made.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view) -> bool:
        base = getattr(view, "throttle_scope", None)
        if not base:
            return True
        self.scope = f"{base}-{self.per}"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except OSError:  # redis-py's errors are OSErrors or RedisError; both mean "no cache"
            logger.warning("api throttle %s not checked: the cache does not answer", self.scope)
            return True
        except Exception as error:
            if type(error).__module__.startswith("redis"):
                logger.warning("api throttle %s not checked: %s", self.scope, error)
                return True
            raise


class PerUserThrottle(_ScopedThrottle):
    per = "user"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        ident = (
            f"key{request.auth.pk}" if isinstance(request.auth, ApiKey) else f"u{request.user.pk}"
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PerAddressThrottle(_ScopedThrottle):
    per = "ip"

    def get_cache_key(self, request, view) -> str:
        meta = request.META
        ident = meta.get("REMOTE_ADDR") or "unknown"  # the client's: helpdesk/addresses.py
        return self.cache_format % {"scope": self.scope, "ident": ident}


THROTTLES = [PerUserThrottle, PerAddressThrottle]
