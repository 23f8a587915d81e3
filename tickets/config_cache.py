"""Configuration that every write reads and admins rarely change (SLA policies and calendars,
categories and their queues, webhook endpoints), kept in each process instead of read from the
database on every request.

A cached value is reloaded when its version in the shared cache (Redis in production) changes,
and at the latest after TTL_SECONDS. The version is asked at most once per CHECK_SECONDS (a
request would otherwise pay a Redis round trip per cached value): another process sees a change
within a second. Saving or deleting one of the watched models bumps the
version at once (this process sees it in the same request) and again after commit (another
process that reloaded in between, still seeing the old rows, reloads once more). A write that
bypasses model signals (a bulk update in a migration or a command) shows within TTL_SECONDS, or
at once if it calls changed().
"""

import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

TTL_SECONDS = 60
CHECK_SECONDS = 1.0
T = TypeVar("T")

_all: list["ConfigCache"] = []


class ConfigCache(Generic[T]):
    def __init__(self, name: str, load: Callable[[], T]) -> None:
        self.key = f"config-version:{name}"
        self.load = load
        self._value: T | None = None
        self._version: str | None = None
        self._loaded_at = 0.0
        self._checked_at = 0.0
        # A change saved in a transaction not yet committed (or rolled back): what a read sees
        # inside a transaction then may never be committed, so it is not kept.
        self._pending = False
        _all.append(self)

    def get(self) -> T:
        if self._pending:
            if connection.in_atomic_block:
                return self.load()
            self._pending = False  # committed or rolled back: read what is
        now = time.monotonic()
        if self._loaded_at and now - self._checked_at < CHECK_SECONDS:
            return self._value
        version = cache.get(self.key)
        self._checked_at = now
        if self._loaded_at and now - self._loaded_at < TTL_SECONDS and version == self._version:
            return self._value
        self._value = self.load()
        self._version = version
        self._loaded_at = now
        return self._value

    def changed(self, **_signal) -> None:
        self._bump()
        self._pending = True
        transaction.on_commit(self._committed)

    def _committed(self) -> None:
        self._pending = False
        self._bump()

    def _bump(self) -> None:
        self._loaded_at = 0.0
        cache.set(self.key, uuid.uuid4().hex, timeout=None)

    def watch(self, *models: type[Model]) -> "ConfigCache[T]":
        """Reload after any save or delete of these models (and their many-to-many links)."""
        for model in models:
            post_save.connect(self.changed, sender=model, weak=False)
            post_delete.connect(self.changed, sender=model, weak=False)
            for related in model._meta.many_to_many:
                m2m_changed.connect(self.changed, sender=related.remote_field.through, weak=False)
        return self

    def last(self) -> T | None:
        """What this process loaded last, however old, or None: asks neither the shared cache
        nor the database (a page drawn because one of them failed)."""
        return self._value

    def forget(self) -> None:
        self._value = None
        self._loaded_at = 0.0
        self._pending = False


def forget_all() -> None:
    """Drop every process copy (tests: a rolled-back transaction sends no signal)."""
    for config in _all:
        config.forget()
