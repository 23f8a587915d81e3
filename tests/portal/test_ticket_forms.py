"""Every category form through HTTP: the valid path and each way it can be wrong."""

import re

import pytest

from tests.portal.conftest import VALID, as_guest
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("category", sorted(VALID))
def test_it_creates_a_ticket_for_each_category(client, category):
    response = client.post(f"/tickets/new/{category}/", as_guest(VALID[category]), follow=True)

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.category_id == category
    assert ticket.channel == "web"
    assert ticket.subject == VALID[category]["subject"]
    assert ticket.reference in response.content.decode()


def test_it_stores_the_structured_fields_the_way_agents_read_them(client):
    client.post("/tickets/new/payment_failed/", as_guest(VALID["payment_failed"]))

    assert Ticket.objects.get().details == {
        "transaction_reference": "TRX-20261121-8F3K2Q",
        "amount": "45000",
        "currency": "IDR",
        "occurred_at": "2026-11-21T08:14",
        "payment_method": "qris",
        "merchant": "Kedai Kopi Senopati",
    }


def test_it_keeps_the_card_last_four_only_for_card_payments(client):
    client.post(
        "/tickets/new/payment_failed/",
        as_guest(VALID["payment_failed"], payment_method="bank_card", card_last4="4821"),
    )

    assert Ticket.objects.get().details["card_last4"] == "4821"


def test_it_routes_by_category_and_remembers_the_language(client):
    client.cookies["django_language"] = "zh-hans"

    client.post("/tickets/new/suspicious_transaction/", as_guest(VALID["suspicious_transaction"]))

    ticket = Ticket.objects.get()
    assert (ticket.queue.slug, ticket.priority, ticket.language) == (
        "account-security",
        4,
        "zh-hans",
    )
    assert ticket.details["freeze_account"] is True
    assert ticket.requester.language == "zh-hans"


INVALID = [
    ("payment_failed", {"amount": "-5"}, "amount", "more than zero"),
    ("payment_failed", {"amount": "0"}, "amount", "more than zero"),
    ("payment_failed", {"amount": "lima ribu"}, "amount", "Enter an amount"),
    ("payment_failed", {"occurred_at": "2999-01-01T10:00"}, "occurred_at", "future"),
    (
        "payment_failed",
        {"transaction_reference": "abc"},
        "transaction_reference",
        "transaction reference",
    ),
    ("payment_failed", {"transaction_reference": ""}, "transaction_reference", "required"),
    ("payment_failed", {"payment_method": "bank_card"}, "card_last4", "last 4 digits"),
    (
        "payment_failed",
        {"payment_method": "bank_card", "card_last4": "12a4"},
        "card_last4",
        "exactly 4",
    ),
    (
        "payment_failed",
        {"payment_method": "bank_card", "card_last4": "123"},
        "card_last4",
        "exactly 4",
    ),
    ("payment_failed", {"merchant": ""}, "merchant", "required"),
    ("payment_failed", {"subject": ""}, "subject", "required"),
    ("payment_failed", {"description": ""}, "description", "required"),
    ("payment_failed", {"email": "not-an-email"}, "email", "valid email"),
    ("payment_failed", {"email": ""}, "email", "required"),
    ("payment_failed", {"phone": "12ab"}, "phone", "phone number"),
    ("refund", {"transaction_date": "2999-01-01"}, "transaction_date", "future"),
    ("refund", {"refund_requested_on": "2026-11-01"}, "refund_requested_on", "before the date"),
    ("refund", {"reason": ""}, "reason", "required"),
    ("refund", {"amount": "0,00"}, "amount", "more than zero"),
    ("account_access", {"registered_phone": "call me"}, "registered_phone", "phone number"),
    ("account_access", {"what_happened": "hacked"}, "what_happened", "valid choice"),
    ("account_access", {"registered_email": "x@"}, "registered_email", "valid email"),
    (
        "suspicious_transaction",
        {"transaction_references": "TRX-1, ok"},
        "transaction_references",
        "transaction reference",
    ),
    ("suspicious_transaction", {"freeze_account": ""}, "freeze_account", "required"),
    ("suspicious_transaction", {"occurred_at": "2999-01-01T00:00"}, "occurred_at", "future"),
    ("complaint", {"about": ""}, "about", "required"),
    ("complaint", {"earlier_reference": "12345"}, "earlier_reference", "GP-7K3M9Q"),
    ("app_problem", {"app_version": "latest"}, "app_version", "version"),
    ("app_problem", {"network": "carrier pigeon"}, "network", "valid choice"),
    ("how_to", {"subject": "x" * 201}, "subject", "at most 200"),
]


@pytest.mark.parametrize(("category", "change", "field", "message"), INVALID)
def test_it_returns_the_form_with_the_error_next_to_the_field(
    client, category, change, field, message
):
    data = as_guest(VALID[category], **change)

    response = client.post(f"/tickets/new/{category}/", data)

    assert response.status_code == 200
    assert not Ticket.objects.exists()
    html = response.content.decode()
    group = re.search(rf'id="id_{field}_group".*?</div>', html, re.S)
    assert group, f"no field group for {field}"
    assert message.lower() in group.group(0).lower()
    assert "error-summary" in html


def test_it_keeps_everything_typed_when_the_form_comes_back(client):
    data = as_guest(VALID["payment_failed"], amount="-1")

    html = client.post("/tickets/new/payment_failed/", data).content.decode()

    for value in (
        "Bayar QRIS gagal tapi saldo terpotong",
        "TRX-20261121-8F3K2Q",
        "Kedai Kopi Senopati",
        "guest@example.net",
        "2026-11-21T08:14",
        "-1",
    ):
        assert value in html
    assert "Saldo berkurang Rp45.000 tapi kasir bilang belum masuk." in html
    assert re.search(r'value="qris"[^>]*selected|selected[^>]*value="qris"', html)


def test_it_answers_404_for_an_unknown_or_switched_off_topic(client):
    from tickets.models import Category

    assert client.get("/tickets/new/crypto/").status_code == 404
    topic = Category.objects.get(code="how_to")
    topic.is_active = False
    topic.save()  # as the admin does: the topics kept in each process are read again
    assert client.get("/tickets/new/how_to/").status_code == 404


def test_it_creates_one_ticket_when_the_same_form_is_sent_twice(client):
    data = as_guest(VALID["payment_failed"])

    first = client.post("/tickets/new/payment_failed/", data)
    second = client.post("/tickets/new/payment_failed/", data)

    assert Ticket.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_form_token_copied_into_another_browser_starts_its_own_ticket(client_factory):
    # given: a customer's form, its hidden token read by someone else (a shared computer, a
    # screenshot of the page source)
    victim, attacker = client_factory(), client_factory()
    victim.get("/tickets/new/payment_failed/")
    attacker.get("/tickets/new/payment_failed/")
    data = as_guest(VALID["payment_failed"])
    sent = victim.post("/tickets/new/payment_failed/", data)

    # when: the other browser sends the same token
    replayed = attacker.post(
        "/tickets/new/payment_failed/", {**data, "email": "mallory@example.org"}
    )

    # then: a ticket of their own, and the customer's stays closed to them
    assert Ticket.objects.count() == 2
    assert replayed["Location"] != sent["Location"]
    victims = Ticket.objects.get(requester__email="guest@example.net")
    assert attacker.get(f"/tickets/{victims.reference}/").status_code == 404
    assert attacker.get(f"/tickets/{victims.reference}/sent/").status_code == 404


def test_pages_with_private_tokens_are_never_cached(client):
    form = client.get("/tickets/new/payment_failed/")
    sent = client.post("/tickets/new/payment_failed/", as_guest(VALID["payment_failed"]))
    confirmation = client.get(sent["Location"])
    ticket = Ticket.objects.get()
    page = client.get(f"/tickets/{ticket.reference}/")

    for response in (form, confirmation, page):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_it_warns_never_to_send_pin_otp_or_password_above_the_description(client):
    for language, words in [("id", "PIN"), ("en", "PIN, OTP code, password"), ("zh-hans", "PIN")]:
        client.cookies["django_language"] = language
        html = client.get("/tickets/new/payment_failed/").content.decode()
        assert html.index('id="safety-note"') < html.index('name="description"')
        assert words in html
