"""System notes and the audit trail are kept as facts and put into words for each reader
(issue 17): the same SLA escalation note reads in English, Indonesian and Chinese, each with the
due time in that reader's time zone; notes written before facts were kept show their text."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from sla.sweep import sweep
from tests.factories import ContactFactory, make_sla_policy
from tickets import services
from tickets.models import Category, Message, Ticket, TicketEvent
from tickets.services import Actor

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
BREACH_TIME = datetime(2026, 11, 16, 10, 1, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _no_idle_sign_out(settings):
    settings.STAFF_IDLE_TIMEOUT_HOURS = 24 * 365


@pytest.fixture
def escalated(payments, lead) -> Ticket:
    """A ticket whose 60-minute first response (around the clock) ran out at 10:00 WIB on
    Monday 16 November 2026 and whose one escalation step told the queue leads."""
    make_sla_policy(
        name="Payments ladder",
        targets={"first_response": 60},
        queues=[payments],
        ladder=[{"after_minutes": 0, "notify": "queue_leads", "set_priority": 4}],
    )
    with time_machine.travel(datetime(2026, 11, 16, 9, tzinfo=WIB), tick=False):
        ticket = services.create_ticket(
            requester=ContactFactory(),
            category="payment_failed",
            subject="Top-up not received",
            body="BRI virtual account top-up is missing.",
        )
    with time_machine.travel(BREACH_TIME, tick=False):
        assert sweep().escalated == 1
    return ticket


def _reader(client: Client, user, *, language: str, zone: str) -> Client:
    user.language, user.time_zone = language, zone
    user.save(update_fields=["language", "time_zone"])
    client.force_login(user)
    return client


def _read(client: Client, ticket: Ticket) -> tuple[str, str]:
    """The system note's text and the audit trail's text, tags removed."""
    with time_machine.travel(BREACH_TIME, tick=False):
        html = client.get(f"/staff/tickets/{ticket.reference}/").content.decode()
    note = html.split('class="message message-note"', 1)[1].split('<div class="body">', 1)[1]
    trail = html.split('id="audit-trail"', 1)[1].split("</section>", 1)[0]
    flat = lambda text: " ".join(re.sub(r"<[^>]+>", " ", text).split())  # noqa: E731
    return flat(note.split("</div>", 1)[0]), flat(trail)


def test_an_english_reader_in_jakarta(client, lead, escalated):
    note, trail = _read(_reader(client, lead, language="en", zone="Asia/Jakarta"), escalated)

    assert note.startswith(
        "SLA escalation, step 1 of 1: the first response target of 60 minutes "
        "(around the clock) ran out at 16 Nov 2026, 10:00 WIB."
    )
    assert "Raising the priority to Urgent." in note
    assert "SLA step 1: notify the queue leads, raise priority to Urgent" in trail
    assert "First response: target missed · due 16 Nov 2026, 10:00 WIB" in trail


def test_an_indonesian_reader_in_makassar(client, lead, escalated):
    note, trail = _read(_reader(client, lead, language="id", zone="Asia/Makassar"), escalated)

    assert note.startswith("Eskalasi SLA, tahap 1 dari 1")
    assert "16 Nov 2026, 11.00 WITA" in note
    assert "SLA escalation" not in note
    assert "Respons pertama" in trail
    assert "11.00 WITA" in trail


def test_a_chinese_reader_in_utc(client, lead, escalated):
    note, trail = _read(_reader(client, lead, language="zh-hans", zone="UTC"), escalated)

    assert note.startswith("SLA 升级，第 1/1 步")
    assert "2026年11月16日 03:00 UTC" in note
    assert "Eskalasi" not in note
    assert "escalation" not in note
    assert "首次响应" in trail
    assert "2026年11月16日 03:00 UTC" in trail


def test_the_note_keeps_site_language_text_for_search(escalated):
    note = escalated.messages.get(author_type=Message.Author.SYSTEM)

    assert note.data["note"] == "sla_escalation"
    assert note.data["due_at"] == "2026-11-16T03:00:00+00:00"
    assert "60" in note.body  # written once, in the site's language, for the search index


def test_an_old_note_without_facts_shows_its_text(client, agent, payments):
    ticket = services.create_ticket(
        requester=ContactFactory(), category="payment_failed", subject="QRIS", body="Failed."
    )
    Message.objects.create(
        ticket=ticket,
        kind=Message.Kind.INTERNAL,
        author_type=Message.Author.SYSTEM,
        source=Message.Source.SYSTEM,
        body="Eskalasi SLA, tahap 1 dari 2: <b>lama</b> habis pada Wed 02 Dec 10:19 WIB.",
    )
    client.force_login(agent)

    html = client.get(f"/staff/tickets/{ticket.reference}/").content.decode()

    assert "Eskalasi SLA, tahap 1 dari 2: &lt;b&gt;lama&lt;/b&gt; habis pada" in html


def test_facts_of_an_unexpected_shape_fall_back_to_the_text(client, agent, payments):
    ticket = services.create_ticket(
        requester=ContactFactory(), category="payment_failed", subject="QRIS", body="Failed."
    )
    Message.objects.create(
        ticket=ticket,
        kind=Message.Kind.INTERNAL,
        author_type=Message.Author.SYSTEM,
        source=Message.Source.SYSTEM,
        body="Stored text.",
        data={"note": "sla_escalation", "level": 1},
    )
    client.force_login(agent)

    html = client.get(f"/staff/tickets/{ticket.reference}/").content.decode()

    assert "Stored text." in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "New → Waiting for customer"), ("id", "Baru → Menunggu pelanggan")],
)
def test_status_changes_in_the_trail_are_named_in_the_readers_language(
    client, agent, payments, language, expected
):
    ticket = services.create_ticket(
        requester=ContactFactory(), category="payment_failed", subject="QRIS", body="Failed."
    )
    services.change_status(ticket=ticket, status="pending_customer", by=Actor.agent(agent))
    assert TicketEvent.objects.get(ticket=ticket, kind="status").new_value == "pending_customer"

    html = _reader(client, agent, language=language, zone="Asia/Jakarta").get(
        f"/staff/tickets/{ticket.reference}/"
    )

    trail = html.content.decode().split('id="audit-trail"', 1)[1]
    assert expected in " ".join(re.sub(r"<[^>]+>", " ", trail).split())


def test_a_topic_change_in_the_trail_is_named_in_chinese(client, agent, payments):
    ticket = services.create_ticket(
        requester=ContactFactory(), category="payment_failed", subject="QRIS", body="Failed."
    )
    services.change_category(
        ticket=ticket, category=Category.objects.get(code="complaint"), by=Actor.agent(agent)
    )

    html = _reader(client, agent, language="zh-hans", zone="Asia/Jakarta").get(
        f"/staff/tickets/{ticket.reference}/"
    )

    trail = html.content.decode().split('id="audit-trail"', 1)[1].split("</section>", 1)[0]
    assert "payment_failed" not in trail
    assert "支付失败 →" in " ".join(re.sub(r"<[^>]+>", " ", trail).split())
