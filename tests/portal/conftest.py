import re
import uuid

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the cache; every test starts with none.
    cache.clear()


PAYMENT_FAILED = {
    "subject": "Bayar QRIS gagal tapi saldo terpotong",
    "description": "Saldo berkurang Rp45.000 tapi kasir bilang belum masuk.",
    "transaction_reference": "TRX-20261121-8F3K2Q",
    "amount": "45.000",
    "currency": "IDR",
    "occurred_at": "2026-11-21T08:14",
    "payment_method": "qris",
    "merchant": "Kedai Kopi Senopati",
}

VALID = {
    "payment_failed": PAYMENT_FAILED,
    "refund": {
        "subject": "Refund not received",
        "description": "The merchant cancelled my order.",
        "transaction_reference": "TRX-20261118-FD55XK",
        "amount": "129000",
        "currency": "IDR",
        "transaction_date": "2026-11-18",
        "merchant": "Sate Khas Senayan",
        "reason": "Order cancelled by the restaurant",
        "refund_requested_on": "2026-11-18",
    },
    "account_access": {
        "subject": "Akun terkunci",
        "description": "Salah PIN beberapa kali.",
        "registered_phone": "0812 3456 7801",
        "registered_email": "andi@example.net",
        "what_happened": "locked_wrong_pin",
    },
    "suspicious_transaction": {
        "subject": "Transaksi yang bukan saya",
        "description": "Dua transaksi tidak dikenal.",
        "transaction_references": "TRX-20261121-ZX81QA, TRX-20261121-ZX82QB",
        "amount": "750.000",
        "currency": "IDR",
        "occurred_at": "2026-11-21T23:10",
        "freeze_account": "yes",
    },
    "complaint": {
        "subject": "客服回复太慢",
        "description": "三天没有回复。",
        "about": "delay",
        "earlier_reference": "GP-4TQ7MZ",
    },
    "how_to": {"subject": "How do I link my bank?", "description": "Where is the setting?"},
    "app_problem": {
        "subject": "App crashes",
        "description": "Opening history closes the app.",
        "device": "Samsung Galaxy A14",
        "os": "Android 14",
        "app_version": "5.12.1",
        "network": "4g",
    },
}


def as_guest(data: dict, **extra) -> dict:
    return {
        "email": "guest@example.net",
        "name": "Andi",
        "idempotency_token": str(uuid.uuid4()),
        **data,
        **extra,
    }


def reference_in(html: str) -> str:
    return re.search(r'id="ticket-reference">([^<]+)<', html).group(1)


@pytest.fixture
def submit(client):
    """POST a ticket form as a guest; returns the response after redirects."""

    def post(category: str = "payment_failed", **fields):
        data = as_guest(VALID[category], **fields)
        files = {k: v for k, v in data.items() if hasattr(v, "read") or isinstance(v, list)}
        return client.post(
            f"/tickets/new/{category}/",
            {k: v for k, v in data.items() if k not in files} | files,
            follow=True,
        )

    return post
