"""End to end through the real pieces: the web form, the Redis broker, a real Celery worker and a
real SMTP server. One receipt per ticket, in the customer's language, and the headers that keep
a conversation in one thread of their mailbox."""

import re
import time
from email.utils import parseaddr

import pytest

from notifications import inbound
from notifications.rendering import reply_tag
from tests.factories import ContactFactory
from tests.portal.conftest import VALID, as_guest
from tickets import links, services
from tickets.models import Message, Notification, Queue, Ticket

pytestmark = pytest.mark.redis


DOMAIN = "helpdesk.localhost"


def _only(recorder, count: int):
    """Wait for `count` emails, then make sure no more come: the outbox holds exactly `count`
    emails, each marked sent (a row is sent at most once), and the server got exactly those."""
    messages = recorder.wait_for(count, timeout=30)
    emails = Notification.objects.filter(channel=Notification.Channel.EMAIL)
    deadline = time.monotonic() + 10  # the worker marks a row sent just after the server's 250
    while emails.exclude(status=Notification.Status.SENT).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(emails.values_list("status", flat=True)) == [Notification.Status.SENT] * count
    assert len(recorder.messages) == count
    return messages


def test_it_sends_exactly_one_receipt_in_the_customers_language(live_worker, smtp, client):
    client.cookies["django_language"] = "zh-hans"

    response = client.post(
        "/tickets/new/payment_failed/",
        as_guest(VALID["payment_failed"], email="wang.fang@example.cn"),
        REMOTE_ADDR="10.9.8.7",  # an address no other test's rate-limit count has used
    )

    assert response.status_code == 302
    (receipt,) = _only(smtp, 1)
    ticket = Ticket.objects.get()
    notification = ticket.notifications.get()
    assert parseaddr(receipt["To"])[1] == "wang.fang@example.cn"
    assert receipt["Message-ID"] == notification.message_id
    assert re.fullmatch(
        rf"<{ticket.reference}\.[0-9a-f]{{16}}@127\.0\.0\.1>", receipt["Message-ID"]
    )
    assert receipt["In-Reply-To"] is None
    assert f"[{ticket.reference}]" in receipt["Subject"]
    assert (
        receipt["Reply-To"] == f"payments+{ticket.reference}.{reply_tag(ticket)}@helpdesk.localhost"
    )
    assert receipt["Content-Language"] == "zh-Hans"
    assert receipt["Auto-Submitted"] == "auto-generated"
    text = receipt.get_body(("plain",)).get_content()
    html = receipt.get_body(("html",)).get_content()
    assert '<html lang="zh-hans">' in html
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text)  # the date, the Chinese way
    token = re.search(r"http://127\.0\.0\.1:8000/t/(\S+)/", text).group(1)
    assert links.read_token(token).ticket_id == ticket.pk
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 1)


def test_it_keeps_a_conversation_in_one_thread(live_worker, smtp, agent):
    # given a ticket and its receipt (no automatic assignment: only the customer's emails here)
    Queue.objects.filter(slug="payments").update(assignment=Queue.Assignment.MANUAL)
    customer = ContactFactory(email="andi@example.net", language="id")
    ticket = services.create_ticket(
        requester=customer,
        category="payment_failed",
        subject="Pembayaran QRIS gagal",
        body="Saldo terpotong.",
    )
    (receipt,) = smtp.wait_for(1)

    # when an agent replies
    services.add_agent_message(ticket=ticket, agent=agent, body="Bank apa yang dipakai?")
    first_reply = smtp.wait_for(2)[1]

    # and the customer answers that email from their mail app
    answer = (
        f"From: Andi <andi@example.net>\n"
        f"To: {first_reply['Reply-To']}\n"
        f"Subject: Re: {first_reply['Subject']}\n"
        f"Message-ID: <answer-1@mail.example.net>\n"
        f"In-Reply-To: {first_reply['Message-ID']}\n"
        f"References: {first_reply['References']} {first_reply['Message-ID']}\n"
        f"Content-Type: text/plain; charset=utf-8\n\n"
        f"BRI, jam 10.05.\n\nPada Sen, 23 Nov 2026 10.02, Example Wallet menulis:\n> Bank apa?\n"
    ).encode()
    assert inbound.ingest(answer, source="pipe").status == "threaded"

    # and the agent replies again
    services.add_agent_message(ticket=ticket, agent=agent, body="Terima kasih, kami cek.")
    second_reply = _only(smtp, 3)[2]

    # then every email names the ticket, and each answers the one before it
    assert Message.objects.get(email_message_id="<answer-1@mail.example.net>").body == (
        "BRI, jam 10.05."
    )
    for email in (receipt, first_reply, second_reply):
        assert ticket.reference in email["Subject"]
        assert (
            email["Reply-To"]
            == f"payments+{ticket.reference}.{reply_tag(ticket)}@helpdesk.localhost"
        )
        assert email["Content-Language"] == "id"
    assert first_reply["In-Reply-To"] == receipt["Message-ID"]
    assert first_reply["References"] == receipt["Message-ID"]
    assert second_reply["In-Reply-To"] == "<answer-1@mail.example.net>"
    assert second_reply["References"].split() == [
        receipt["Message-ID"],
        first_reply["Message-ID"],
        "<answer-1@mail.example.net>",
    ]
    assert Message.objects.filter(email_message_id=second_reply["Message-ID"]).exists()
