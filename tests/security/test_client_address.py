"""The client's address comes from a trusted proxy only, so a lock-out or a rate limit counts the
customer's own address: a stranger cannot lock an agent out, and nobody picks their address."""

import pytest
from django.core.cache import cache

from helpdesk.addresses import client_address

NGINX = "172.18.0.5"
BUDI_AT_HOME = "203.0.113.7"
STRANGER = "198.51.100.9"


@pytest.fixture(autouse=True)
def _behind_nginx(settings):
    settings.TRUSTED_PROXIES = ["172.16.0.0/12"]
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        (NGINX, BUDI_AT_HOME, BUDI_AT_HOME),  # nginx appended what it saw
        (NGINX, f"6.6.6.6, {BUDI_AT_HOME}", BUDI_AT_HOME),  # the client wrote 6.6.6.6 itself
        (NGINX, f"{BUDI_AT_HOME}, 172.20.0.3", BUDI_AT_HOME),  # two trusted proxies in a row
        (NGINX, f"nonsense, {BUDI_AT_HOME}", BUDI_AT_HOME),
        (NGINX, "nonsense", NGINX),  # nothing trustworthy: the proxy itself
        (NGINX, "", NGINX),
        (STRANGER, BUDI_AT_HOME, STRANGER),  # not from the proxy: the header is the client's word
        ("2001:db8::1", "", "2001:db8::1"),
    ],
)
def test_it_reads_the_address_the_trusted_proxy_saw(remote, forwarded, client):
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}

    assert client_address(meta) == client


def test_it_trusts_no_header_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []

    assert client_address({"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": BUDI_AT_HOME}) == NGINX


def _sign_in(client, email: str, password: str, *, address: str):
    return client.post(
        "/staff/login/",
        {"username": email, "password": password},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_a_stranger_cannot_lock_an_agent_out_from_another_address(client_factory, agent):
    agent.set_password("correct-horse-battery")
    agent.save()
    stranger, budi = client_factory(), client_factory()

    # when a stranger fails five times with budi's email, behind the same proxy
    for _ in range(5):
        _sign_in(stranger, agent.email, "wrong", address=STRANGER)
    refused = _sign_in(stranger, agent.email, "correct-horse-battery", address=STRANGER)

    # then the stranger's address is locked, and budi signs in from his
    assert refused.status_code == 429
    signed_in = _sign_in(budi, agent.email, "correct-horse-battery", address=BUDI_AT_HOME)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/staff/"


def test_a_forged_forwarded_header_does_not_choose_the_address_counted(client, agent):
    # Straight to gunicorn, not through the proxy: X-Forwarded-For is ignored, so a stranger
    # cannot spread failures over made-up addresses (or charge them to budi's).
    for attempt in range(5):
        client.post(
            "/staff/login/",
            {"username": agent.email, "password": "wrong"},
            REMOTE_ADDR=STRANGER,
            HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}",
        )

    locked = client.post(
        "/staff/login/",
        {"username": agent.email, "password": "wrong"},
        REMOTE_ADDR=STRANGER,
        HTTP_X_FORWARDED_FOR="10.9.9.99",
    )

    assert locked.status_code == 429


def test_the_admin_sign_in_is_limited_per_address_like_the_staff_one(client, admin_user):
    answers = [
        client.post(
            "/admin/login/",
            {"username": f"user{i}@example.com", "password": "guess"},
            REMOTE_ADDR=NGINX,
            HTTP_X_FORWARDED_FOR=STRANGER,
        ).status_code
        for i in range(31)
    ]

    assert answers[:30] == [200] * 30
    assert answers[30] == 429


def test_a_rate_limited_form_answers_the_429_page_not_a_bare_403(client, db):
    for i in range(30):
        client.post(
            "/accounts/login/",
            {"username": f"user{i}@example.com", "password": "guess"},
            REMOTE_ADDR=STRANGER,
        )

    refused = client.post(
        "/accounts/login/", {"username": "x@example.com", "password": "guess"}, REMOTE_ADDR=STRANGER
    )

    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
