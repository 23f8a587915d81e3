"""Spoofed mail is never threaded in as the customer: an email is the customer's only when it
answers our email to them, was sent to the ticket's private reply address, or our own mail
server vouches for it (DMARC, or aligned DKIM or SPF). Otherwise it is kept for the agents,
with a warning, and changes nothing."""

import pytest

from notifications import inbound
from notifications.rendering import reply_tag
from tests.factories import ContactFactory, TicketFactory
from tickets.models import InboundEmail, Message, Notification, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

MX = "mx.help.example.com"


@pytest.fixture
def siti_ticket(settings):
    settings.INBOUND_TRUSTED_AUTHSERV_IDS = [MX]
    siti = ContactFactory(email="siti@example.com", name="Siti", language="id")
    return TicketFactory(requester=siti, status=Ticket.Status.PENDING_CUSTOMER, language="id")


def email(ticket, *, headers: str = "", to: str = "payments@helpdesk.localhost", body="") -> bytes:
    return (
        "From: Siti <siti@example.com>\n"
        f"To: {to}\n"
        f"Subject: Re: [{ticket.reference}] Refund\n"
        f"Message-ID: <spoof-{abs(hash(headers + to + body))}@evil.example>\n"
        f"{headers}"
        "Content-Type: text/plain; charset=utf-8\n\n"
        f"{body or 'Tolong kirim refund ke rekening BCA 1234567890 atas nama Mallory.'}\n"
    ).encode()


def ingest(raw: bytes, **envelope) -> inbound.Outcome:
    return inbound.ingest(raw, source="pipe", **envelope)


def test_a_spoofed_reply_is_kept_for_review_and_changes_nothing(client, agent, siti_ticket):
    raw = email(
        siti_ticket,
        headers=f"Authentication-Results: {MX}; spf=fail smtp.mailfrom=evil.example; "
        "dkim=none; dmarc=fail header.from=example.com\n",
    )

    outcome = ingest(raw, envelope_sender="mallory@evil.example")

    log = InboundEmail.objects.get(pk=outcome.inbound_id)
    assert log.status == "unverified"
    assert "DMARC failed" in log.reason
    message = log.message
    assert (message.kind, message.author_type, message.sender_verified) == (
        Message.Kind.INTERNAL,
        Message.Author.SYSTEM,
        False,
    )
    siti_ticket.refresh_from_db()
    assert siti_ticket.status == Ticket.Status.PENDING_CUSTOMER  # not reopened
    assert not siti_ticket.events.filter(kind=TicketEvent.Kind.CUSTOMER_REPLIED).exists()
    assert siti_ticket.events.filter(kind=TicketEvent.Kind.UNVERIFIED_EMAIL).exists()
    assert not Notification.objects.filter(recipient="siti@example.com").exists()
    # The agent sees it with a warning.
    client.force_login(agent)
    page = client.get(f"/staff/tickets/{siti_ticket.reference}/").content.decode()
    assert "Sender not verified" in page
    assert "rekening BCA 1234567890" in page


@pytest.mark.parametrize(
    "results",
    [
        f"{MX}; dmarc=pass header.from=example.com",
        f"{MX}; dkim=pass header.d=example.com; dmarc=none",
        f"{MX}; dkim=pass header.i=@mail.example.com",
        f"{MX}; spf=pass smtp.mailfrom=bounces.example.com",
    ],
)
def test_a_reply_our_mail_server_vouches_for_is_the_customers(siti_ticket, results):
    raw = email(siti_ticket, headers=f"Authentication-Results: {results}\n")

    outcome = ingest(raw, envelope_sender="bounces@bounces.example.com")

    assert outcome.status == "threaded", outcome.reason
    message = InboundEmail.objects.get(pk=outcome.inbound_id).message
    assert (message.author_type, message.sender_verified) == (Message.Author.CUSTOMER, True)


@pytest.mark.parametrize(
    ("results", "envelope"),
    [
        # Another server's header: the sender could have written it.
        ("mx.evil.example; dmarc=pass header.from=example.com", None),
        # DKIM signed by another domain than the From.
        (f"{MX}; dkim=pass header.d=evil.example", None),
        # SPF passed for the envelope sender's domain, which is not the From's.
        (f"{MX}; spf=pass smtp.mailfrom=evil.example", "mallory@evil.example"),
        # A pass, but DMARC failed.
        (f"{MX}; dkim=pass header.d=example.com; dmarc=fail", None),
    ],
)
def test_what_proves_nothing_leaves_it_unverified(siti_ticket, results, envelope):
    raw = email(siti_ticket, headers=f"Authentication-Results: {results}\n")

    outcome = ingest(raw, envelope_sender=envelope)

    assert outcome.status == "unverified", outcome.reason


def test_a_reply_to_the_private_reply_address_is_the_customers(siti_ticket):
    address = f"payments+{siti_ticket.reference}.{reply_tag(siti_ticket)}@helpdesk.localhost"

    outcome = ingest(email(siti_ticket, to=address))

    assert outcome.status == "threaded", outcome.reason


def test_a_reply_to_a_made_up_tag_is_not(siti_ticket):
    address = f"payments+{siti_ticket.reference}.000000000000@helpdesk.localhost"

    assert ingest(email(siti_ticket, to=address)).status == "unverified"


def test_a_reply_to_our_receipt_is_the_customers(siti_ticket):
    from tickets.services import Actor, record_event

    record_event(siti_ticket, "created", Actor.customer(siti_ticket.requester))
    receipt = siti_ticket.notifications.get(recipient="siti@example.com")

    outcome = ingest(email(siti_ticket, headers=f"In-Reply-To: {receipt.message_id}\n"))

    assert outcome.status == "threaded", outcome.reason


def test_a_new_request_from_an_unverified_sender_is_opened_with_a_warning(settings):
    settings.INBOUND_TRUSTED_AUTHSERV_IDS = [MX]
    raw = (
        b"From: Siti <siti@example.com>\nTo: payments@helpdesk.localhost\n"
        b"Subject: Ganti nomor HP\nMessage-ID: <new-1@evil.example>\n"
        b"Content-Type: text/plain; charset=utf-8\n\n"
        b"Tolong ganti nomor HP saya ke 0899 1111 2222.\n"
    )

    outcome = ingest(raw)

    assert outcome.status == "created"
    ticket = Ticket.objects.get(reference=outcome.reference)
    assert not ticket.messages.get().sender_verified
    # Its receipt goes to the real siti@example.com, who will know whether she wrote it.
    assert ticket.notifications.filter(recipient="siti@example.com").exists()
    assert "Sender not verified" in InboundEmail.objects.get(pk=outcome.inbound_id).reason
