"""One time display on staff pages (issue 17): SLA deadlines as business time left, in the same
unit running or paused, "overdue by ..." once due, with the due date and time in the agent's
own time zone; each agent chooses that zone on "My settings". Expected values are worked out by
hand against Mon-Fri 08:00-17:00 WIB with Friday 25 December 2026 a holiday."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from sla.business_time import Schedule
from sla.deadlines import deadline, describe
from tests.factories import ContactFactory, make_sla_policy
from tickets import services
from tickets.models import BusinessCalendar, BusinessWindow, Holiday, SLATimer, Ticket, User

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture
def client(client, agent, settings):
    client.reader = agent
    settings.STAFF_IDLE_TIMEOUT_HOURS = 24 * 365  # pages are read days apart
    return client


@pytest.fixture
def office(db) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.create(name="Weekdays", time_zone="Asia/Jakarta")
    for weekday in range(5):
        BusinessWindow.objects.create(
            calendar=calendar, weekday=weekday, starts_at=time(8), ends_at=time(17)
        )
    Holiday.objects.create(calendar=calendar, date=date(2026, 12, 25), name="Christmas")
    return calendar


@pytest.fixture
def policy(office, payments):
    """Resolution in 16 business hours for the payments queue."""
    return make_sla_policy(
        name="Payments office", calendar=office, targets={"resolution": 960}, queues=[payments]
    )


def _file() -> Ticket:
    return services.create_ticket(
        requester=ContactFactory(),
        category="payment_failed",
        subject="Top-up not received",
        body="BRI virtual account top-up is missing.",
    )


def _page(client: Client, ticket: Ticket, at: datetime) -> str:
    with time_machine.travel(at, tick=False):
        client.force_login(client.reader)  # a fresh session: the pages are days apart
        response = client.get(f"/staff/tickets/{ticket.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def _deadlines(html: str) -> str:
    """The text of the side panel's deadline list, tags and extra spaces removed."""
    block = html.split('id="sla-deadlines"', 1)[1].split("</ul>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", block.split(">", 1)[1]).split())


def test_it_counts_business_time_over_a_weekend_and_gives_the_due_time(client, agent, policy):
    # given: filed on Friday 4 December at 14:00 WIB; 3 business hours pass before 17:00
    with time_machine.travel(wib(2026, 12, 4, 14), tick=False):
        ticket = _file()
    client.force_login(agent)

    # when: read on Saturday at noon, when no business time passes
    text = _deadlines(_page(client, ticket, wib(2026, 12, 5, 12)))

    # then: 16 h - 3 h = 13 h left; 9 h on Monday, 4 h on Tuesday: due Tuesday 12:00
    assert text == "Resolution: 13 h 0 min left (business hours) due 8 Dec 2026, 12:00"


def test_a_paused_timer_keeps_the_same_unit_and_resumes_from_it(client, agent, policy):
    with time_machine.travel(wib(2026, 12, 4, 14), tick=False):
        ticket = _file()
    client.force_login(agent)
    # Monday 09:30: 3 h on Friday + 1 h 30 min on Monday used, 11 h 30 min left.
    running = _deadlines(_page(client, ticket, wib(2026, 12, 7, 9, 30)))
    assert running.startswith("Resolution: 11 h 30 min left (business hours)")

    with time_machine.travel(wib(2026, 12, 7, 9, 30), tick=False):
        services.add_agent_message(
            ticket=ticket, agent=agent, body="Which bank?", set_status="pending_customer"
        )
    paused = _deadlines(_page(client, ticket, wib(2026, 12, 7, 15)))
    assert paused == (
        "Resolution: paused · 11 h 30 min left (business hours) paused since 7 Dec 2026, 09:30"
    )

    with time_machine.travel(wib(2026, 12, 7, 15), tick=False):
        services.add_customer_message(ticket=ticket, contact=ticket.requester, body="BRI.")
    resumed = _deadlines(_page(client, ticket, wib(2026, 12, 7, 16)))
    # 1 h of Monday afternoon used; 2 h to Monday's close, 9 h Tuesday, 30 min Wednesday.
    assert resumed == "Resolution: 10 h 30 min left (business hours) due 9 Dec 2026, 08:30"


def test_a_holiday_and_a_weekend_count_nothing_and_overdue_says_by_how_much(
    client, agent, office, payments
):
    make_sla_policy(
        name="Ten hours", calendar=office, targets={"resolution": 600}, queues=[payments]
    )
    # Thursday 24 December 15:00: 2 h that day; Friday is a holiday, then a weekend.
    with time_machine.travel(wib(2026, 12, 24, 15), tick=False):
        ticket = _file()
    client.force_login(agent)

    monday = _deadlines(_page(client, ticket, wib(2026, 12, 28, 9)))
    assert monday == "Resolution: 7 h 0 min left (business hours) due 28 Dec 2026, 16:00"

    # Tuesday 09:30: 2 h + 9 h + 1 h 30 min = 12 h 30 min used of 10 h.
    tuesday = _deadlines(_page(client, ticket, wib(2026, 12, 29, 9, 30)))
    assert tuesday == ("Resolution: overdue by 2 h 30 min (business hours) due 28 Dec 2026, 16:00")


def test_the_due_time_is_in_each_agents_own_time_zone(client, agent, policy):
    with time_machine.travel(wib(2026, 12, 4, 14), tick=False):
        ticket = _file()
    agent.time_zone = "Asia/Makassar"  # WITA, one hour ahead of Jakarta
    agent.save(update_fields=["time_zone"])
    client.force_login(agent)

    html = _page(client, ticket, wib(2026, 12, 5, 12))

    assert _deadlines(html).endswith("due 8 Dec 2026, 13:00")
    assert '<time datetime="2026-12-08T13:00:00+08:00">8 Dec 2026, 13:00</time>' in html


def test_the_queue_shows_the_same_words(client, agent, policy):
    with time_machine.travel(wib(2026, 12, 4, 14), tick=False):
        _file()
    client.force_login(agent)

    with time_machine.travel(wib(2026, 12, 5, 12), tick=False):
        html = client.get("/staff/queue/").content.decode()

    assert "Resolution: 13 h 0 min left (business hours)" in html
    assert "8 Dec 2026, 12:00" in html


def test_around_the_clock_targets_count_wall_clock_time(db):
    calendar = BusinessCalendar(pk=1, name="24/7", is_24_7=True)
    timer = SLATimer(
        metric="first_response",
        status=SLATimer.Status.RUNNING,
        calendar=calendar,
        target_minutes=60,
        elapsed_seconds=0,
        started_at=wib(2026, 12, 5, 12),
        counted_until=wib(2026, 12, 5, 12),
        due_at=wib(2026, 12, 5, 13),
    )

    assert describe(deadline(timer, wib(2026, 12, 5, 12, 15))) == "First response: 45 min left"
    assert describe(deadline(timer, wib(2026, 12, 5, 14))) == "First response: overdue by 1 h 0 min"


def test_a_paused_overdue_timer_says_so(db):
    schedule = Schedule.build(
        tz="Asia/Jakarta", weekly={d: [(time(8), time(17))] for d in range(5)}
    )
    timer = SLATimer(
        metric="resolution",
        status=SLATimer.Status.PAUSED,
        calendar=BusinessCalendar(pk=1, name="Weekdays"),
        target_minutes=60,
        elapsed_seconds=90 * 60,
        started_at=wib(2026, 12, 7, 8),
        counted_until=wib(2026, 12, 7, 9, 30),
        paused_at=wib(2026, 12, 7, 9, 30),
        due_at=wib(2026, 12, 7, 9),
    )

    text = describe(deadline(timer, wib(2026, 12, 8, 12), schedule))

    assert text == "Resolution: paused · overdue by 30 min (business hours)"


# My settings


def test_an_agent_chooses_their_time_zone_and_language(client, agent):
    client.force_login(agent)
    page = client.get("/staff/settings/").content.decode()
    assert '<option value="Asia/Jayapura"' in page
    assert '<option value="America/Argentina/Buenos_Aires"' in page  # the rest, sorted

    response = client.post(
        "/staff/settings/", {"language": "zh-hans", "time_zone": "Asia/Jayapura"}
    )

    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.language, agent.time_zone) == ("zh-hans", "Asia/Jayapura")
    assert "我的设置" in client.get("/staff/settings/").content.decode()


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "", "<script>alert(1)</script>", "Asia/" + "x" * 80]
)
def test_a_time_zone_that_is_not_one_is_refused_in_the_page(client, agent, zone):
    client.force_login(agent)

    response = client.post("/staff/settings/", {"language": "en", "time_zone": zone})

    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.content.decode()
    agent.refresh_from_db()
    assert agent.time_zone == "Asia/Jakarta"


def test_customers_have_no_settings_page_and_their_pages_keep_the_site_zone(client, customer):
    client.force_login(customer)

    assert client.get("/staff/settings/").status_code in (302, 403, 404)


def test_a_deactivated_agent_cannot_save_settings(client, agent):
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    client.force_login(agent)

    client.post("/staff/settings/", {"language": "en", "time_zone": "UTC"})

    assert User.objects.get(pk=agent.pk).time_zone == "Asia/Jakarta"
