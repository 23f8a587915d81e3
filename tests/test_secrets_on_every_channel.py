"""Every channel, every family of secret: what a customer pastes into the web form, a web reply,
the API, an API reply or an email never reaches the database (rows and search words), an email,
an API answer, a page or a log line (docs/redaction.md).

The log is checked twice: the records code writes (nothing secret is logged in the first place)
and the lines the configured handler prints."""

import io
import json
import logging
import re
import uuid

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from notifications import inbound
from tests import files
from tests.factories import ContactFactory
from tests.portal.conftest import VALID, as_guest
from tickets import links
from tickets.models import Ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

# One text per family, in the hardest forms; and what must never be seen again.
FAMILIES = {
    "card": (
        "我的卡号是4012888888881881,付款失败. Kartu 4111.1111.1111.1111 dan ５５５５ ５５５５ "
        "５５５５ ４４４４, lalu 3782 822463\n10005.",
        ["4012888888881881", "401288888888", "4111.1111.1111", "411111111111", "５５５５ ５５５５",
         "555555555555", "822463", "378282246310"],
    ),
    "nik": ("KTP: 3273 0106 8801 0004 atas nama saya", ["3273 0106 8801", "327301068801"]),
    "otp": (
        "the OTP I got was 551234, kode OTP saya 4 8 2 9 1 3, kode verif 739102 ga masuk2",
        ["551234", "4 8 2 9 1 3", "482913", "739102"],
    ),
    "pin": (
        "PIN dompet saya 112233 diblokir, pin: 7 7 8 8 9 9",
        ["112233", "7 7 8 8 9 9", "778899"],
    ),
    # Codes of 3-4 digits are checked with their keyword: "8052" alone may be any row's id.
    "cvv": ("cvvnya 917 ya, CVV2: 8052", ["cvvnya 917", "CVV2: 8052"]),
    "password": (
        "password saya Rahasia#2026 tidak bisa login, pw: Bandung123, 支付密码 135790",
        ["Rahasia#2026", "Bandung123", "135790"],
    ),
}  # fmt: skip
EVERYTHING = " / ".join(text for text, _ in FAMILIES.values())
NEEDLES = [needle for _, needles in FAMILIES.values() for needle in needles]
CARD_SUBJECT = "Kartu 4111 1111 1111 1111 ditolak"


@pytest.fixture
def printed_logs():
    """What the configured log handlers print (after their redacting filter)."""
    streams = []
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and handler.filters:
            stream = io.StringIO()
            streams.append((handler, handler.setStream(stream), stream))
    assert streams, "no filtered stream handler on the root logger"
    yield lambda: "".join(stream.getvalue() for _, _, stream in streams)
    for handler, original, _ in streams:
        handler.setStream(original)


@pytest.fixture
def everything_logged(caplog, printed_logs):
    caplog.set_level(logging.DEBUG)
    return lambda: caplog.text + printed_logs()


def stored() -> str:
    """Every row of every table as JSON text (non-ASCII kept), and the search words column."""
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    rows = json.dumps(json.loads(dump.getvalue()), ensure_ascii=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(string_agg(words::text, ' '), '') FROM tickets_ticket")
        words = cursor.fetchone()[0]
    return rows + words


def emailed() -> str:
    return "".join(
        f"{m.subject}\n{m.body}\n" + "".join(str(a[0]) for a in getattr(m, "alternatives", []))
        for m in mail.outbox
    )


def digits_of(needle: str) -> str:
    return re.sub(r"\s", "", needle)


def assert_nothing_survives(*places: str) -> None:
    for needle in [*NEEDLES, CARD_SUBJECT, "4111 1111 1111 1111"]:
        for place in places:
            assert needle not in place, (needle, place[:2000])
            if len(digits_of(needle)) >= 6 and digits_of(needle).isdigit():
                assert digits_of(needle) not in place, (needle, place[:2000])


def assert_every_family_was_reported(ticket: Ticket) -> None:
    kinds = set(ticket.events.filter(kind="redacted").values_list("new_value", flat=True))
    assert kinds >= set(FAMILIES), kinds


def test_the_web_form(client, agent, everything_logged):
    data = as_guest(
        VALID["payment_failed"],
        subject=CARD_SUBJECT,
        description=EVERYTHING,
        merchant="Toko (OTP 551234)",
    )

    page = client.post("/tickets/new/payment_failed/", data, follow=True).content.decode()

    ticket = Ticket.objects.get()
    assert_every_family_was_reported(ticket)
    client.force_login(agent)
    staff_page = client.get(f"/staff/tickets/{ticket.reference}/").content.decode()
    assert_nothing_survives(page, staff_page, stored(), emailed(), everything_logged())


def test_the_web_form_suggestions_and_search_never_carry_the_text_in_a_url(
    client, everything_logged
):
    client.get("/tickets/new/payment_failed/")

    client.post("/help/suggest/", {"subject": CARD_SUBJECT, "topic": "payment_failed"})
    found = client.post("/help/search/", {"q": CARD_SUBJECT}, follow=True)

    assert found.redirect_chain == [("/help/search/", 302)]
    assert "1111 1111 1111" not in found.content.decode()
    assert client.get("/help/suggest/", {"subject": CARD_SUBJECT}).status_code == 405
    assert_nothing_survives(stored(), everything_logged())


def test_a_web_reply(client, everything_logged):
    created = client.post(
        "/tickets/new/payment_failed/", as_guest(VALID["payment_failed"]), follow=True
    )
    ticket = Ticket.objects.get()
    mail.outbox.clear()

    page = client.post(
        f"/tickets/{ticket.reference}/reply/", {"body": EVERYTHING}, follow=True
    ).content.decode()

    assert created.status_code == 200
    assert_every_family_was_reported(ticket)
    assert_nothing_survives(page, stored(), emailed(), everything_logged())


def test_the_api_create_and_its_idempotent_replay(everything_logged):
    api = APIClient(headers={"Accept-Language": "en"})
    data = {
        "category": "payment_failed",
        "subject": CARD_SUBJECT,
        "description": EVERYTHING,
        "details": {**VALID["payment_failed"], "merchant": "Toko pw: Bandung123"},
        "email": "guest@example.net",
    }
    for field in ("subject", "description", "category"):
        data["details"].pop(field, None)
    key = str(uuid.uuid4())

    first = api.post("/api/v1/tickets/", data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    replay = api.post("/api/v1/tickets/", data, format="json", HTTP_IDEMPOTENCY_KEY=key)

    assert first.status_code == replay.status_code == 201, first.content
    assert set(first.json()["redactions"]) >= set(FAMILIES)
    assert_every_family_was_reported(Ticket.objects.get())
    answers = first.content.decode("unicode_escape") + replay.content.decode("unicode_escape")
    assert_nothing_survives(answers, stored(), emailed(), everything_logged())


def test_an_api_reply(ticket, everything_logged):
    guest = APIClient(
        headers={"Accept-Language": "en", "Authorization": f"GuestLink {links.make_token(ticket)}"}
    )

    answer = guest.post(
        f"/api/v1/tickets/{ticket.reference}/messages/", {"body": EVERYTHING}, format="json"
    )

    assert answer.status_code == 201, answer.content
    assert set(answer.json()["redactions"]) >= set(FAMILIES)
    assert_every_family_was_reported(ticket)
    assert_nothing_survives(
        answer.content.decode("unicode_escape"), stored(), emailed(), everything_logged()
    )


def test_an_inbound_email(everything_logged):
    ContactFactory(email="rizky.h@example.net")
    raw = (
        "From: Rizky Hidayat <rizky.h@example.net>\n"
        "To: Example Wallet <payments@helpdesk.localhost>\n"
        f"Subject: {CARD_SUBJECT}\n"
        "Date: Mon, 23 Nov 2026 10:40:00 +0700\n"
        "Message-ID: <secrets-everywhere@mail.example.net>\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        f"{EVERYTHING}\n"
    ).encode()

    outcome = inbound.ingest(raw, source="pipe")

    assert outcome.status == "created", outcome
    ticket = Ticket.objects.get()
    assert_every_family_was_reported(ticket)
    assert_nothing_survives(stored(), emailed(), everything_logged())


def test_a_file_named_after_a_secret(client, everything_logged):
    data = as_guest(VALID["payment_failed"])
    data["attachments"] = [
        files.png("kartu_4111_1111_1111_1111.png"),
        files.pdf("OTP 551234 dan CVV 917.pdf"),
    ]

    page = client.post("/tickets/new/payment_failed/", data, follow=True).content.decode()

    ticket = Ticket.objects.get()
    names = sorted(ticket.attachments.values_list("original_name", flat=True))
    assert names == ["OTP_redacted_dan_CVV_redacted.pdf", "kartu_1111.png"]
    event = ticket.events.get(kind="redacted", new_value="card")
    assert event.data["fields"] == ["attachment name"]
    for secret in ("4111_1111", "551234", "CVV_917"):
        assert secret not in page
        assert secret not in stored()
        assert secret not in everything_logged()
