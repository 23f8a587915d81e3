"""Configuration kept per process (tickets/config_cache.py): a save shows at once here, another
process's save within a second, and nothing is stale longer than the TTL."""

import pytest
from django.core.cache import cache
from django.db import transaction

from tickets import config_cache
from tickets.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(config_cache.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def loads():
    calls = []

    def load():
        calls.append(1)
        return set(Category.objects.filter(is_active=True).values_list("code", flat=True))

    cached = config_cache.ConfigCache("test-topics", load).watch(Category)
    yield cached, calls
    config_cache._all.remove(cached)


def test_it_reads_once_then_serves_from_memory(loads, clock):
    cached, calls = loads

    first = cached.get()
    clock[0] += 5
    second = cached.get()

    assert first == second
    assert "refund" in first
    assert len(calls) == 1


def test_a_save_in_this_process_shows_at_once(loads, clock):
    cached, _calls = loads
    cached.get()

    refund = Category.objects.get(code="refund")
    refund.is_active = False
    refund.save()

    assert "refund" not in cached.get()


def test_another_processs_save_shows_within_a_second(loads, clock):
    cached, _calls = loads
    cached.get()
    Category.objects.filter(code="refund").update(is_active=False)  # as another process
    cache.set(cached.key, "bumped-elsewhere", timeout=None)  # ...whose save bumps the version

    assert "refund" in cached.get()  # within the second: memory
    clock[0] += config_cache.CHECK_SECONDS
    assert "refund" not in cached.get()


def test_a_change_that_sent_no_signal_shows_after_the_ttl(loads, clock):
    cached, _calls = loads
    cached.get()
    Category.objects.filter(code="refund").update(is_active=False)  # no signal, no bump

    clock[0] += config_cache.TTL_SECONDS - 1
    assert "refund" in cached.get()
    clock[0] += 1
    assert "refund" not in cached.get()


def test_a_change_rolled_back_is_not_kept(loads, clock):
    cached, _calls = loads
    cached.get()

    seen_inside = []

    def failing_save():
        with transaction.atomic():
            refund = Category.objects.get(code="refund")
            refund.is_active = False
            refund.save()
            seen_inside.append("refund" in cached.get())
            raise RuntimeError("the admin's save failed")

    with pytest.raises(RuntimeError):
        failing_save()

    assert seen_inside == [False]  # the transaction saw its own change...
    assert "refund" in cached.get()  # ...which never happened
