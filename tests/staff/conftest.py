import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits, lockouts and presence live in the cache; each test starts clean.
    cache.clear()


def htmx(**extra) -> dict:
    return {"HTTP_HX_REQUEST": "true", **extra}
