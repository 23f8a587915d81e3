"""The honest promise (issue 18): the confirmation page, the ticket page and the receipt email say
when the first answer is due, from the ticket's own first-response timer, in its calendar's time
zone; what happens when we are late; and nothing untrue when there is no time to give."""

import re
from datetime import UTC, datetime, time, timedelta
from html import unescape

import pytest
import time_machine

from notifications.delivery import build_email
from tests.factories import ContactFactory, make_sla_policy
from tests.portal.conftest import reference_in
from tickets import services
from tickets.models import (
    BusinessCalendar,
    BusinessWindow,
    Notification,
    SLAPolicy,
    SLATimer,
    Ticket,
)
from tickets.services import Actor

pytestmark = pytest.mark.django_db

# Friday 4 December 2026, 19:00 in Jakarta (WIB, UTC+7): after hours before a weekend.
FRIDAY_EVENING = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
# Two business hours from Monday 09:00 WIB.
MONDAY_DUE = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
PROMISED = {
    "en": "We will answer by Monday 7 Dec at 11:00 WIB.",
    "id": "Kami akan menjawab paling lambat Senin, 7 Des pukul 11.00 WIB.",
    "zh-hans": "我们会在 12月7日 星期一 11:00 WIB 前答复您。",
}


@pytest.fixture
def weekdays_policy(db) -> SLAPolicy:
    """Payments: a first answer within two business hours, Monday to Friday 09:00-17:00 WIB,
    its breach told to the queue's leads."""
    calendar = BusinessCalendar.objects.create(name="Weekdays", time_zone="Asia/Jakarta")
    BusinessWindow.objects.bulk_create(
        BusinessWindow(calendar=calendar, weekday=day, starts_at=time(9), ends_at=time(17))
        for day in range(5)
    )
    return make_sla_policy(
        name="Payments, weekdays",
        calendar=calendar,
        targets={"first_response": 120, "resolution": 960},
        categories=["payment_failed"],
        ladder=[{"after_minutes": 0, "notify": "queue_leads"}],
        position=1,
    )


def plain(html: str) -> str:
    """The words a reader sees: no tags, entities decoded."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def first_response(ticket: Ticket) -> SLATimer:
    return ticket.sla_timers.get(metric="first_response")


def promise_block(html: str) -> str:
    return re.search(r'<div class="promise[^"]*" id="promise".*?</div>', html, re.S).group(0)


def submitted(client, submit, language: str = "en") -> tuple[str, Ticket]:
    client.cookies["django_language"] = language
    response = submit("payment_failed")
    assert response.status_code == 200
    html = response.content.decode()
    return html, Ticket.objects.get(reference=reference_in(html))


@pytest.mark.parametrize("language", ["en", "id", "zh-hans"])
def test_a_request_filed_on_friday_evening_is_promised_an_answer_on_monday(
    weekdays_policy, lead, client, submit, language
):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        confirmation, ticket = submitted(client, submit, language)
        page = client.get(f"/tickets/{ticket.reference}/").content.decode()
    timer = first_response(ticket)
    assert timer.due_at == MONDAY_DUE

    for html in (confirmation, page):
        block = promise_block(html)
        assert PROMISED[language] in plain(block)
        assert f'data-due="{timer.due_at.isoformat()}"' in block
        assert f'<time datetime="{timer.due_at.isoformat()}">' in block
    # The payments queue has a lead and the breach is told to the leads: so we may say it.
    if language == "en":
        assert "a team lead is told" in confirmation


def test_the_receipt_email_promises_the_same_time_naming_the_day(weekdays_policy, lead):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        ticket = services.create_ticket(
            requester=ContactFactory(),
            category="payment_failed",
            subject="Saldo terpotong",
            body="Bayar QRIS gagal.",
            language="id",
        )
        receipt = ticket.notifications.get(template=Notification.Template.TICKET_CREATED)
        email = build_email(receipt)
    assert first_response(ticket).due_at == MONDAY_DUE
    assert PROMISED["id"] in email.body
    assert "ketua tim diberi tahu" in email.body
    html = email.alternatives[0][0]
    assert f'<time datetime="{MONDAY_DUE.isoformat()}">Senin, 7 Des pukul 11.00 WIB</time>' in html


def test_an_email_sent_the_same_day_still_names_the_day(weekdays_policy):
    monday_morning = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)  # 09:30 WIB
    with time_machine.travel(monday_morning, tick=False):
        ticket = services.create_ticket(
            requester=ContactFactory(), category="payment_failed", subject="QRIS", body="Gagal."
        )
        email = build_email(ticket.notifications.get(template="ticket_created"))
    assert "Monday 7 Dec at 11:30 WIB" in email.body
    assert "today" not in email.body


def test_the_page_says_today_or_tomorrow_where_natural(weekdays_policy, client, submit):
    with time_machine.travel(datetime(2026, 12, 7, 2, 30, tzinfo=UTC), tick=False):
        html, _ticket = submitted(client, submit)
    assert "We will answer by today at 11:30 WIB." in plain(html)
    with time_machine.travel(datetime(2026, 12, 7, 9, 30, tzinfo=UTC), tick=False):  # 16:30
        html, _ticket = submitted(client, submit)
    assert "We will answer by tomorrow at 10:30 WIB." in plain(html)


def test_an_overdue_first_answer_is_admitted_and_never_called_soon(weekdays_policy, client, submit):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        _html, ticket = submitted(client, submit)
    with time_machine.travel(MONDAY_DUE + timedelta(minutes=30), tick=False):
        page = client.get(f"/tickets/{ticket.reference}/").content.decode()
        mine = client.get(f"/tickets/{ticket.reference}/sent/").content.decode()
    text = plain(page)
    assert "Received: we will look at it soon" not in page
    assert "Taking longer than promised: we are prioritising it" in page
    assert (
        "This is taking longer than we promised: we meant to answer by today at 11:00 WIB. "
        "Your request is now at the top of our team's list." in text
    )
    assert "promise-late" in page
    assert "taking longer than we promised" in mine


def test_without_a_policy_nothing_is_promised_but_an_honest_answer(client, submit):
    SLAPolicy.objects.all().delete()

    html, ticket = submitted(client, submit)

    assert not ticket.sla_timers.exists()
    block = promise_block(html)
    assert "We will answer as soon as we can and email you when we do." in block
    assert "data-due" not in block
    assert "If we are late" not in html
    email = build_email(ticket.notifications.get(template="ticket_created"))
    assert "We cannot give you an exact time right now." in email.body


def test_an_answered_request_promises_nothing_more(weekdays_policy, agent, client, submit):
    _html, ticket = submitted(client, submit)
    services.add_agent_message(ticket=ticket, agent=agent, body="Which bank?")

    page = client.get(f"/tickets/{ticket.reference}/").content.decode()

    assert 'id="promise"' not in page
    assert "We will answer by" not in page


def test_a_solved_request_promises_nothing(weekdays_policy, agent, client, submit):
    _html, ticket = submitted(client, submit)
    services.change_status(ticket=ticket, status="resolved", by=Actor.agent(agent))

    page = client.get(f"/tickets/{ticket.reference}/").content.decode()

    assert 'id="promise"' not in page


def test_the_time_is_in_the_calendars_own_zone_not_the_sites(weekdays_policy, client, submit):
    weekdays_policy.calendar.time_zone = "Asia/Makassar"  # WITA, UTC+8; the site is in WIB
    weekdays_policy.calendar.save()
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        html, ticket = submitted(client, submit)
    assert first_response(ticket).due_at == MONDAY_DUE - timedelta(hours=1)
    assert "Monday 7 Dec at 11:00 WITA" in plain(html)


def test_a_paused_timer_gives_no_time(weekdays_policy, client, submit):
    _html, ticket = submitted(client, submit)
    SLATimer.objects.filter(pk=first_response(ticket).pk).update(status="paused")

    page = client.get(f"/tickets/{ticket.reference}/").content.decode()

    assert "We cannot give you an exact time right now." in plain(promise_block(page))
    assert "We will answer by" not in page
