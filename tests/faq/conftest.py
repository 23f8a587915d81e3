import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and view / suggestion debounces live in the cache (the test Redis
    # database, flushed by the suite): each test starts without another test's counts.
    cache.clear()


@pytest.fixture
def seeded_faq(db):
    """The knowledge base we ship (seed_faq)."""
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_faq", stdout=StringIO())
