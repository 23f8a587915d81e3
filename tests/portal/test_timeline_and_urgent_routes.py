"""The customer's ticket page (issue 18): a status timeline from the ticket's events, and the
urgent routes an admin set for a topic, on the form, the confirmation and the open request."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.core.exceptions import ValidationError

from branding.models import ONLY_ROW, Brand
from tests.portal.conftest import reference_in
from tickets import services
from tickets.models import Ticket, UrgentRoute
from tickets.models.urgent import validate_route_link
from tickets.services import Actor

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB


def steps(html: str) -> list[tuple[str, str, bool, str]]:
    """(step, state, current?, datetime) of each step of the page's timeline, in order."""
    timeline = re.search(r'<ol class="timeline" id="timeline">(.*?)</ol>', html, re.S).group(1)
    found = []
    for item in re.findall(r"<li (.*?)</li>", timeline, re.S):
        state = re.search(r"timeline-(done|current|next)", item).group(1)
        key = re.search(r'data-step="(\w+)"', item).group(1)
        when = re.search(r'datetime="([^"]+)"', item)
        found.append((key, state, 'aria-current="step"' in item, when.group(1) if when else ""))
    return found


def test_the_timeline_shows_each_step_with_its_time_and_marks_the_current_one(
    agent, client, submit
):
    with time_machine.travel(T0, tick=False) as clock:
        html = submit("payment_failed").content.decode()
        ticket = Ticket.objects.get(reference=reference_in(html))
        page = client.get(f"/tickets/{ticket.reference}/").content.decode()
        assert [(k, s, c) for k, s, c, _w in steps(page)] == [
            ("received", "current", True),
            ("in_progress", "next", False),
            ("solved", "next", False),
        ]
        for minutes, status in (
            (10, "open"),
            (20, "pending_customer"),
            (30, "open"),
            (40, "on_hold"),
        ):
            clock.move_to(T0 + timedelta(minutes=minutes))
            services.change_status(ticket=ticket, status=status, by=Actor.agent(agent))

        page = client.get(f"/tickets/{ticket.reference}/").content.decode()

    found = steps(page)
    assert [(k, s, c) for k, s, c, _w in found] == [
        ("received", "done", False),
        ("in_progress", "done", False),
        ("waiting_for_you", "done", False),
        ("in_progress", "done", False),
        ("waiting_for_partner", "current", True),
        ("solved", "next", False),
    ]
    times = [datetime.fromisoformat(when) if when else None for _k, _s, _c, when in found]
    assert times == [T0 + timedelta(minutes=m) for m in (0, 10, 20, 30, 40)] + [None]
    assert "Waiting for a partner" in page


def test_a_solved_request_ends_its_timeline_at_solved(agent, client, submit):
    html = submit("payment_failed").content.decode()
    ticket = Ticket.objects.get(reference=reference_in(html))
    services.change_status(ticket=ticket, status="resolved", by=Actor.agent(agent))

    page = client.get(f"/tickets/{ticket.reference}/").content.decode()

    assert [(k, s, c) for k, s, c, _w in steps(page)] == [
        ("received", "done", False),
        ("solved", "current", True),
    ]


# Urgent routes


@pytest.fixture
def hotline(db, django_capture_on_commit_callbacks) -> str:
    """The Brand page's hotline (committed, as far as the per-process brand knows)."""
    with django_capture_on_commit_callbacks(execute=True):
        Brand.objects.create(pk=ONLY_ROW, hotline="+622101234567")
    return "+622101234567"


@pytest.fixture
def fraud_route(db) -> UrgentRoute:
    return UrgentRoute.objects.create(
        category_id="suspicious_transaction",
        instruction_id="Blokir akun Anda sekarang di aplikasi.",
        instruction_en="Block your account now in the app.",
        instruction_zh_hans="请立即在应用中冻结账户。",
        link="https://wallet.example/block",
        link_label_id="Cara memblokir",
        link_label_en="How to block it",
        link_label_zh_hans="如何冻结",
        show_hotline=True,
    )


INSTRUCTION = {
    "id": "Blokir akun Anda sekarang di aplikasi.",
    "en": "Block your account now in the app.",
    "zh-hans": "请立即在应用中冻结账户。",
}
CALL = {
    "id": "Telepon +62 21 01234567",
    "en": "Call +62 21 01234567",
    "zh-hans": "致电 +62 21 01234567",
}


def routes_block(html: str) -> str:
    found = re.search(r'<section class="urgent-routes".*?</section>', html, re.S)
    return unescape(found.group(0)) if found else ""


@pytest.mark.parametrize("language", ["id", "en", "zh-hans"])
def test_the_routes_of_a_topic_show_on_its_form_confirmation_and_request_in_each_language(
    fraud_route, hotline, client, submit, language
):
    client.cookies["django_language"] = language

    form = routes_block(client.get("/tickets/new/suspicious_transaction/").content.decode())
    confirmation_html = submit("suspicious_transaction").content.decode()
    confirmation = routes_block(confirmation_html)
    reference = reference_in(confirmation_html)
    page = routes_block(client.get(f"/tickets/{reference}/").content.decode())

    for block in (form, confirmation, page):
        assert INSTRUCTION[language] in block
        assert CALL[language] in block
        assert 'href="tel:+622101234567"' in block
        assert 'href="https://wallet.example/block"' in block
    # It replaces the notice written in the template.
    assert (
        "day and night" not in client.get("/tickets/new/suspicious_transaction/").content.decode()
    )


def test_other_topics_show_no_route(fraud_route, hotline, client, submit):
    html = submit("payment_failed").content.decode()

    assert routes_block(client.get("/tickets/new/payment_failed/").content.decode()) == ""
    assert routes_block(html) == ""
    assert routes_block(client.get(f"/tickets/{reference_in(html)}/").content.decode()) == ""


def test_a_request_no_longer_open_shows_no_route(fraud_route, hotline, agent, client, submit):
    html = submit("suspicious_transaction").content.decode()
    ticket = Ticket.objects.get(reference=reference_in(html))
    services.change_status(ticket=ticket, status="resolved", by=Actor.agent(agent))

    assert routes_block(client.get(f"/tickets/{ticket.reference}/").content.decode()) == ""


def test_once_we_answered_the_conversation_guides_not_the_route(
    fraud_route, hotline, agent, client, submit
):
    html = submit("suspicious_transaction").content.decode()
    ticket = Ticket.objects.get(reference=reference_in(html))
    services.add_agent_message(
        ticket=ticket, agent=agent, body="We blocked your account for now; we are checking."
    )

    assert routes_block(client.get(f"/tickets/{ticket.reference}/").content.decode()) == ""


def test_a_switched_off_route_and_a_hotline_nobody_set_are_not_shown(fraud_route, client):
    fraud_route.link = ""
    fraud_route.instruction_id = fraud_route.instruction_en = fraud_route.instruction_zh_hans = ""
    fraud_route.save()  # only the hotline, and the Brand page has none

    assert routes_block(client.get("/tickets/new/suspicious_transaction/").content.decode()) == ""


@pytest.mark.parametrize(
    "link",
    ["https://wallet.example/block", "http://wallet.example", "tel:+62 21 01234567", "tel:1500"],
)
def test_a_link_is_a_web_page_or_a_phone_number(link):
    validate_route_link(link)


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "data:text/html,hi", "tel:+62<script>", "ftp://x.example", "wallet"],
)
def test_anything_else_is_refused(link):
    with pytest.raises(ValidationError):
        validate_route_link(link)


def test_an_admin_lists_adds_and_edits_routes(admin_client, fraud_route):
    assert admin_client.get("/admin/tickets/urgentroute/").status_code == 200
    assert (
        admin_client.get(f"/admin/tickets/urgentroute/{fraud_route.pk}/change/").status_code == 200
    )
    assert admin_client.get("/admin/tickets/urgentroute/add/").status_code == 200
    assert admin_client.get("/admin/tickets/category/account_access/change/").status_code == 200

    refused = admin_client.post(
        "/admin/tickets/urgentroute/add/",
        {
            "category": "account_access",
            "instruction_en": "Call us",
            "link": "javascript:alert(1)",
            "link_label_en": "Go",
            "position": 0,
            "is_active": "on",
        },
    )
    assert refused.status_code == 200
    assert "Enter a web address starting with https://" in refused.content.decode()

    added = admin_client.post(
        "/admin/tickets/urgentroute/add/",
        {
            "category": "account_access",
            "instruction_en": "Lost your phone? Call us now.",
            "link": "tel:+622101234567",
            "link_label_en": "Call us",
            "position": 0,
            "is_active": "on",
        },
    )
    assert added.status_code == 302
    assert UrgentRoute.objects.get(category_id="account_access").instruction("id") == (
        "Lost your phone? Call us now."
    )
