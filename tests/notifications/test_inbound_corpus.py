"""The inbound corpus: real-looking emails (Gmail, Outlook and iOS Mail replies in id / en / zh,
HTML only, attachments, forwards, auto-replies, bounces, lists, a malformed one, a stranger
quoting a reference) and what must become of each (tests/notifications/inbound/*.eml)."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command

from notifications import inbound
from tests.factories import ContactFactory, TicketFactory, UserFactory
from tickets.models import (
    Attachment,
    InboundEmail,
    Message,
    Notification,
    Ticket,
    TicketCC,
)

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "inbound"
REFERENCE = "GP-7K3M9Q"
AGENT_REPLY_ID = "<GP-7K3M9Q.5f1c2a9e8d7b6a43@help.wallet.test>"
RECEIPT_ID = "<GP-7K3M9Q.0a1b2c3d4e5f6789@help.wallet.test>"
STAFF_NOTIFICATION_ID = "<GP-7K3M9Q.aaaa0000bbbb1111@help.wallet.test>"


@dataclass(frozen=True)
class Expect:
    status: str
    threaded: bool = False  # lands on GP-7K3M9Q
    body: str | None = None  # the stored text, exactly
    contains: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    attachments: tuple[str, ...] | None = None  # stored file names, original-message.txt aside
    original: bool = False  # the whole text kept as original-message.txt
    category: str | None = None
    language: str | None = None
    reason: str = ""  # in the inbound log's reason


EXPECTED = {
    # Replies, threaded by their headers, quoted history and signatures stripped
    "gmail_reply_en.eml": Expect(
        "threaded",
        True,
        "Hi, the bank is BRI. The transfer was at 10:05.",
        original=True,
        reason="Threaded by In-Reply-To",
    ),
    "gmail_reply_id.eml": Expect(
        "threaded", True, "Banknya BRI, transfernya jam 10.05. Terima kasih.", original=True
    ),
    "gmail_reply_zh.eml": Expect(
        "threaded", True, "银行是BRI，转账时间是10:05。谢谢！", original=True
    ),
    "outlook_reply_en.eml": Expect(
        "threaded",
        True,
        "I transferred from BRI at 10:05, reference 8812 3344.\n\nRegards,\nAndi",
        original=True,
        reason="Threaded by References",
    ),
    # Found by the reference in the subject only, with nothing to prove who sent it (no answer
    # to our emails, no verdict of our mail server): kept for the agents, not the customer's.
    "outlook_reply_id.eml": Expect(
        "unverified",
        True,
        "Sudah saya coba lagi dan berhasil. Terima kasih atas bantuannya “Dompet Contoh”.",
        original=True,
        reason="Found by the reference in the subject; sender not verified",
    ),
    "outlook_reply_zh.eml": Expect("threaded", True, "好的，我已经重新付款了。", original=True),
    "ios_reply_en.eml": Expect("threaded", True, "It worked now, thanks!", original=True),
    "ios_reply_id.eml": Expect("threaded", True, "Sudah bisa, makasih.", original=True),
    "ios_reply_zh.eml": Expect("threaded", True, "好的", original=True),
    "signature_dashes.eml": Expect(
        "threaded", True, "Struknya sudah saya cari, tidak ada.", original=True
    ),
    # The reference in the address without the ticket's reply tag: anyone could write it.
    "plus_address_reply.eml": Expect(
        "unverified",
        True,
        "Saya lupa bilang: nominalnya Rp45.000.",
        reason="Found by the reference in the address; sender not verified",
    ),
    "cc_reply.eml": Expect(
        "threaded", True, "Saya suaminya, transfernya dari rekening saya di BRI."
    ),
    # Not from the requester or a CC: never onto that ticket
    "stranger_quoting_reference.eml": Expect(
        "created",
        body="Tolong kirim detail transaksi akun ini ke saya.",
        category="payment_failed",
        reason="is not its requester or a CC",
    ),
    "reply_to_staff_notification.eml": Expect(
        "quarantined", reason="A reply to a staff notification about GP-7K3M9Q"
    ),
    # New tickets, routed by the queue address, in the language they were written in
    "new_ticket_en.eml": Expect(
        "created",
        contains=("topped up IDR 500,000 from my BCA account",),
        category="payment_failed",
        language="en",
        attachments=(),
    ),
    "new_ticket_id.eml": Expect(
        "created", contains=("akun saya terkunci",), category="account_access", language="id"
    ),
    "new_ticket_zh_html_only.eml": Expect(
        "created",
        body="您好，\n\n我想把我的银行卡绑定到钱包，但是找不到设置。\n请问在哪里设置？\n\n谢谢&祝好",
        absent=("<", "color"),
        category="how_to",
        language="zh-hans",
    ),
    "new_ticket_attachments.eml": Expect(
        "created",
        category="refund",
        language="en",
        attachments=("screenshot.png", "receipt.pdf"),
    ),
    "attachment_refused.eml": Expect(
        "created",
        attachments=("proof.png",),
        reason="invoice.pdf.exe",
    ),
    "forwarded_gmail.eml": Expect(
        "created",
        contains=(
            "the refund never arrived",
            "---------- Forwarded message ---------",
            "IDR 129,000 will be refunded",
        ),
        category="refund",
    ),
    "forwarded_apple.eml": Expect(
        "created",
        contains=("Begin forwarded message:", "We have refunded IDR 129,000 for order SKS-4410"),
    ),
    "card_and_otp.eml": Expect(
        "created",
        # An Indonesian email: "[redacted]" is written in Indonesian.
        contains=("•••• •••• •••• 1111", "[disamarkan]"),
        absent=("4111-1111-1111-1111", "482913", "123456"),
        original=True,
    ),
    "no_message_id.eml": Expect("created", category="how_to", language="id"),
    # From machines: logged, never a ticket, never answered
    "out_of_office_gmail.eml": Expect("ignored", reason="auto-reply"),
    "out_of_office_exchange.eml": Expect("ignored", reason="auto-reply"),
    "auto_reply_x_autoreply.eml": Expect("ignored", reason="auto-reply"),
    "bulk_newsletter.eml": Expect("ignored", reason="auto-reply"),
    "mailing_list.eml": Expect("ignored", reason="mailing list"),
    "bounce_dsn.eml": Expect("ignored", reason="bounce"),
    "loop_our_own_email.eml": Expect("ignored", reason="loop"),
    # Unreadable: quarantined with the reason
    "malformed_no_sender.eml": Expect("quarantined", reason="No sender address"),
    "malformed_mime.eml": Expect("quarantined", reason="Broken MIME structure"),
}


def test_it_has_an_expectation_for_every_file_of_the_corpus():
    assert sorted(EXPECTED) == sorted(path.name for path in CORPUS.glob("*.eml"))
    assert len(EXPECTED) >= 25


@pytest.fixture
def thread(settings, agent, lead):
    """GP-7K3M9Q: Andi's pending ticket, an agent's reply to him (and its Message-ID), his
    receipt, a staff notification, and his husband as a CC."""
    settings.EMAIL_MESSAGE_ID_DOMAIN = "help.wallet.test"
    andi = ContactFactory(email="andi@example.net", name="Andi Pratama", language="id")
    ticket = TicketFactory(
        reference=REFERENCE, requester=andi, status=Ticket.Status.PENDING_CUSTOMER, language="id"
    )
    Message.objects.create(
        ticket=ticket,
        author_type=Message.Author.AGENT,
        author_user=agent,
        body="Which bank did you use, and at what time?",
        source=Message.Source.WEB,
        email_message_id=AGENT_REPLY_ID,
    )
    common = {"ticket": ticket, "language": "id", "status": Notification.Status.SENT}
    Notification.objects.create(
        idempotency_key="receipt",
        template=Notification.Template.TICKET_CREATED,
        audience=Notification.Audience.CUSTOMER,
        recipient=andi.email,
        message_id=RECEIPT_ID,
        **common,
    )
    staff = UserFactory(email="agent.budi@example.com")
    Notification.objects.create(
        idempotency_key="assigned",
        template=Notification.Template.ASSIGNED,
        audience=Notification.Audience.AGENT,
        recipient=staff.email,
        recipient_user=staff,
        message_id=STAFF_NOTIFICATION_ID,
        **common,
    )
    TicketCC.objects.create(ticket=ticket, email="budi.suami@example.net")
    return ticket


def _ingest(name: str, **envelope) -> inbound.Outcome:
    return inbound.ingest((CORPUS / name).read_bytes(), source="pipe", **envelope)


def _stored_names(message: Message) -> list[str]:
    return [a.original_name for a in message.attachments.order_by("pk")]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_handles_each_email_of_the_corpus(thread, name):
    expect = EXPECTED[name]
    tickets_before = Ticket.objects.count()
    messages_before = thread.messages.count()

    outcome = _ingest(name)

    log = InboundEmail.objects.get(pk=outcome.inbound_id)
    assert (outcome.status, log.status) == (expect.status, expect.status), log.reason
    assert expect.reason in log.reason
    if expect.status in ("ignored", "quarantined"):
        assert Ticket.objects.count() == tickets_before
        assert thread.messages.count() == messages_before
        assert log.message is None
        return
    message = log.message
    assert (message.ticket.reference == REFERENCE) is expect.threaded
    assert message.source == Message.Source.EMAIL
    assert message.email_message_id == log.email_message_id
    if expect.body is not None:
        assert message.body == expect.body
    for text in expect.contains:
        assert text in message.body
    for text in expect.absent:
        assert text not in message.body
        assert text not in message.ticket.subject
    names = _stored_names(message)
    assert ("original-message.txt" in names) is expect.original
    if expect.attachments is not None:
        assert [n for n in names if n != "original-message.txt"] == list(expect.attachments)
    ticket = message.ticket
    if expect.category:
        assert ticket.category_id == expect.category
    if expect.language:
        assert ticket.language == expect.language
    if expect.status == "created":
        assert ticket.channel == Ticket.Channel.EMAIL
        receipt = ticket.notifications.get(template=Notification.Template.TICKET_CREATED)
        assert receipt.recipient == ticket.requester.email
        # the receipt answers the customer's own email, so it lands in their thread
        assert receipt.in_reply_to == log.email_message_id


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_stores_an_email_delivered_twice_once(thread, name):
    first = _ingest(name)
    counts = (Ticket.objects.count(), Message.objects.count(), Notification.objects.count())

    second = _ingest(name)

    assert second.status == inbound.DUPLICATE
    assert second.inbound_id == first.inbound_id
    assert counts == (Ticket.objects.count(), Message.objects.count(), Notification.objects.count())
    assert InboundEmail.objects.get(pk=first.inbound_id).deliveries == 2


def test_it_adds_a_reply_as_the_customers_and_reopens_the_ticket(thread, lead):
    _ingest("gmail_reply_en.eml")

    thread.refresh_from_db()
    reply = thread.messages.order_by("pk").last()
    assert reply.author_type == Message.Author.CUSTOMER
    assert reply.author_contact == thread.requester
    assert thread.status == Ticket.Status.OPEN
    # the agents hear about it; the customer gets no receipt for a reply
    assert list(
        thread.notifications.filter(event__isnull=False).values_list("template", "recipient")
    ) == [(Notification.Template.CUSTOMER_REPLIED, lead.email)]


def test_it_adds_a_ccs_reply_as_theirs(thread):
    _ingest("cc_reply.eml")

    reply = thread.messages.order_by("pk").last()
    assert reply.author_contact.email == "budi.suami@example.net"


def test_it_keeps_the_whole_email_redacted_as_the_original(thread):
    outcome = _ingest("card_and_otp.eml")

    log = InboundEmail.objects.get(pk=outcome.inbound_id)
    original = log.message.attachments.get(original_name="original-message.txt")
    text = original.file.read().decode()
    assert "menulis:" in text  # the quoted history is in the original
    for secret in ("4111", "482913", "123456"):
        assert secret not in text.replace("•••• •••• •••• 1111", "")
    assert original.content_type == "text/plain"
    assert "4111 1111 1111 1111" not in log.subject


def test_it_lists_the_refused_attachments_in_the_receipt(thread):
    outcome = _ingest("attachment_refused.eml")

    receipt = Ticket.objects.get(reference=outcome.reference).notifications.get()
    assert receipt.context["refused_files"] == ["invoice.pdf.exe", "photo.jpg"]


def test_it_marks_a_notification_that_bounced_as_failed(thread):
    _ingest("bounce_dsn.eml")

    receipt = Notification.objects.get(message_id=RECEIPT_ID)
    assert receipt.status == Notification.Status.FAILED
    assert receipt.last_error.startswith("Bounced: 550 5.1.1 <andi@example.net>")


def test_it_records_whom_the_customer_copied(thread):
    raw = (
        (CORPUS / "new_ticket_en.eml")
        .read_bytes()
        .replace(
            b"To: Example Wallet <payments@helpdesk.localhost>",
            b"To: Example Wallet <payments@helpdesk.localhost>\nCc: Anna Tan <anna@example.org>, "
            b"refunds@helpdesk.localhost",
        )
    )

    outcome = inbound.ingest(raw, source="pipe")

    ticket = Ticket.objects.get(reference=outcome.reference)
    assert list(ticket.ccs.values_list("email", flat=True)) == ["anna@example.org"]


def test_it_routes_by_the_envelope_recipient_first(thread):
    outcome = _ingest("new_ticket_en.eml", envelope_recipient="security@helpdesk.localhost")

    assert Ticket.objects.get(reference=outcome.reference).category_id == "account_access"


def test_it_starts_a_follow_up_when_the_ticket_is_closed(thread):
    Ticket.objects.filter(pk=thread.pk).update(status=Ticket.Status.CLOSED)

    outcome = _ingest("gmail_reply_en.eml")

    follow_up = Ticket.objects.get(reference=outcome.reference)
    assert follow_up.follow_up_of == thread
    assert outcome.status == InboundEmail.Status.CREATED
    assert "is closed: opened follow-up" in outcome.reason


def test_it_treats_a_null_envelope_sender_as_a_bounce(thread):
    outcome = _ingest("new_ticket_en.eml", envelope_sender="<>")

    assert (outcome.status, outcome.reason) == ("ignored", "bounce")


def test_it_never_lets_a_malformed_email_block_the_next(thread):
    assert _ingest("malformed_mime.eml").status == "quarantined"
    assert _ingest("new_ticket_en.eml").status == "created"


def test_it_quarantines_an_email_it_fails_on_and_goes_on(thread, monkeypatch):
    def broken(**kwargs):
        raise ValueError("a bug in our code")

    monkeypatch.setattr(inbound.services, "create_ticket", broken)

    outcome = _ingest("new_ticket_en.eml")

    assert outcome.status == "quarantined"
    assert outcome.reason == "Could not be processed: ValueError: a bug in our code"
    log = InboundEmail.objects.get(pk=outcome.inbound_id)
    assert log.raw  # kept, to process again once fixed
    monkeypatch.undo()
    assert _ingest("new_ticket_id.eml").status == "created"

    again = inbound.reprocess(log)

    assert again.status == "created"
    assert not InboundEmail.objects.filter(pk=log.pk).exists()
    assert not Attachment.objects.filter(file=log.raw.name).exists()


def test_it_reads_the_message_from_stdin_for_a_mail_server_pipe(thread, capsys):
    with (CORPUS / "new_ticket_en.eml").open("rb") as stdin:
        call_command("ingest_email", "--recipient", "refunds@helpdesk.localhost", stdin=stdin)

    out = capsys.readouterr().out
    assert out.startswith("created GP-")
    assert Ticket.objects.get(reference=out.split()[1]).category_id == "refund"
