"""Callers of the API, one per persona of tests/conftest.py, plus a guest link and nobody."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tickets import links

ROLES = [
    "customer",
    "other_customer",
    "guest",
    "agent",
    "agent_of_other_queue",
    "lead",
    "admin",
    "anonymous",
]
STAFF = {"agent", "lead", "admin"}


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Rate-limit counters live in the cache (Redis): each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def make_client(**headers) -> APIClient:
    return APIClient(headers={"Accept-Language": "en", **headers})


@pytest.fixture
def api():
    """Anonymous."""
    return make_client()


@pytest.fixture
def caller(request, ticket):
    """caller("agent") -> an APIClient acting as that persona; "guest" holds the guest link
    of `ticket`, "anonymous" nothing."""

    def make(role: str) -> APIClient:
        if role == "anonymous":
            return make_client()
        if role == "guest":
            return make_client(Authorization=f"GuestLink {links.make_token(ticket)}")
        user = request.getfixturevalue("admin_user" if role == "admin" else role)
        client = make_client()
        client.force_authenticate(user)
        return client

    return make


def problem_of(response) -> dict:
    assert response["Content-Type"] == "application/problem+json", response.content[:300]
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == response.status_code
    return body


def signed_in(user) -> APIClient:
    client = make_client()
    client.force_authenticate(user)
    return client


def api_key(user, *scopes: str, name: str = "script", **fields) -> str:
    """A new API key of `user` (read and write unless scopes are given); returns the secret."""
    from api.models import ApiKey

    raw, prefix = ApiKey.generate()
    key = ApiKey(name=name, user=user, scopes=list(scopes) or ["read", "write"], **fields)
    key.set_key(raw, prefix)
    key.save()
    return raw
