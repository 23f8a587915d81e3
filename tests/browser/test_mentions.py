"""A mention reaches a colleague's open page (issue 17, "Must show"): two browser contexts, budi
and mei; mei has her dashboard open, budi writes "@mei can you check the refund?" in a note,
and mei's bell shows 1 unread within 2 s, through the live WebSocket (live_site). The bell and
the notification centre pass axe-core and keep the Content-Security-Policy."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.axe import PolicyRefusals, violations
from tests.factories import TicketFactory, UserFactory
from tickets import roles
from tickets.models import QueueMembership

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/shots/inbox"


def agent_of(queue, name: str, email: str):
    user = UserFactory(name=name, email=email)
    user.groups.add(Group.objects.get(name=roles.AGENT))
    QueueMembership.objects.create(queue=queue, user=user)
    return user


@pytest.mark.parametrize("viewport", [(1440, 900), (1280, 720)])
def test_a_mention_reaches_the_colleagues_open_page_within_2_s(
    live_site, staff_context, payments, viewport
):
    width, height = viewport
    budi = agent_of(payments, "Budi Santoso", "budi@wallet.example")
    mei = agent_of(payments, "Mei Chen", "mei@wallet.example")
    ticket = TicketFactory(queue=payments, subject="Refund not received after 7 days")
    size = {"viewport": {"width": width, "height": height}}

    # Mei has her dashboard open, nothing unread; her page's live connection is up.
    hers = staff_context(mei, **size).new_page()
    refused = PolicyRefusals(hers)
    hers.goto(live_site + "/staff/")
    bell = hers.locator("#bell")
    expect(bell).to_have_attribute("aria-label", "Notifications, 0 unread")
    expect(hers.locator("#bell-count")).to_be_hidden()
    expect(hers.locator("html")).to_have_attribute("data-live", "up")

    # Budi writes a note on the ticket, naming her.
    his = staff_context(budi, **size).new_page()
    his.goto(live_site + f"/staff/tickets/{ticket.reference}/")
    his.locator("#reply-form input[name=kind][value=internal]").check()
    his.locator("#reply-form textarea[name=body]").fill("@mei can you check the refund?")
    his.locator("#send-reply").click()
    expect(his.locator("#thread")).to_contain_text("can you check the refund?")

    # Her bell says so within 2 s, with a polite line that links to the ticket.
    expect(hers.locator("#bell-count")).to_have_text("1", timeout=2000)
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")
    toast = hers.locator("#bell-toast")
    expect(toast).to_contain_text(f"Budi mentioned you on {ticket.reference}")
    hers.screenshot(path=f"{SHOTS}/bell-toast-{width}x{height}.png")
    assert violations(hers, refused) == []

    # The centre lists it; opening it marks it read and shows the ticket.
    bell.click()
    expect(hers.locator("h1")).to_have_text("Notifications")
    row = hers.locator("#notification-list li").first
    expect(row).to_have_class("notification notification-unread")
    expect(row).to_contain_text("Refund not received after 7 days")
    expect(row).to_contain_text("Budi Santoso")
    hers.screenshot(path=f"{SHOTS}/centre-{width}x{height}.png", full_page=True)
    assert violations(hers, refused) == []
    row.get_by_role("link").click()
    expect(hers.locator("h1")).to_have_text("Refund not received after 7 days")
    expect(hers.locator("#bell-count")).to_be_hidden()
    assert refused == []


def test_the_reply_box_suggests_colleagues_after_at_in_a_note(live_site, staff_context, payments):
    budi = agent_of(payments, "Budi Santoso", "budi@wallet.example")
    agent_of(payments, "Mei Chen", "mei@wallet.example")
    agent_of(payments, "Melati Putri", "melati@wallet.example")
    ticket = TicketFactory(queue=payments)
    page = staff_context(budi).new_page()
    page.goto(live_site + f"/staff/tickets/{ticket.reference}/")
    body = page.locator("#reply-form textarea[name=body]")

    # A public reply: "@" is for the customer, nothing is suggested.
    body.press_sequentially("Hi @me")
    expect(page.locator("#mention-menu")).to_be_hidden()

    body.fill("")
    page.locator("#reply-form input[name=kind][value=internal]").check()
    body.press_sequentially("Please check @me")
    menu = page.locator("#mention-menu")
    expect(menu.get_by_role("option")).to_have_count(2)
    page.screenshot(path=f"{SHOTS}/typeahead-1440x900.png")
    body.press("ArrowDown")
    body.press("Enter")

    expect(body).to_have_value("Please check @melati ")
    expect(menu).to_be_hidden()


def test_the_centre_fits_a_phone_in_chinese(live_site, staff_context, payments):
    from inbox.models import StaffNotification

    budi = agent_of(payments, "Budi Santoso", "budi@wallet.example")
    lina = agent_of(payments, "李娜", "lina@wallet.example")
    lina.language = "zh-hans"
    lina.save(update_fields=["language"])
    ticket = TicketFactory(queue=payments, subject="退款七天仍未到账，请尽快处理" * 3)
    kinds = StaffNotification.Kind
    for n, kind in enumerate([kinds.MENTIONED, kinds.ASSIGNED, kinds.SLA_WARNING]):
        StaffNotification.objects.create(
            recipient=lina,
            kind=kind,
            ticket=ticket,
            actor=budi if kind != kinds.SLA_WARNING else None,
            data={"metric": "resolution"} if kind == kinds.SLA_WARNING else {},
            key=f"phone:{n}",
        )
    page = staff_context(lina, viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()

    page.goto(live_site + "/staff/notifications/")

    expect(page.locator("h1")).to_have_text("通知")
    expect(page.locator("#bell")).to_have_attribute("aria-label", "通知，3 条未读")
    expect(page.locator("#notification-list")).to_contain_text("Budi 在")
    width = page.locator("#notification-list").evaluate("list => list.scrollWidth")
    assert width <= 390
    page.screenshot(path=f"{SHOTS}/centre-zh-hans-390x844.png", full_page=True)


def test_without_a_live_connection_the_bell_polls_every_20_s(
    site, browser, client_factory, payments
):
    """`site` serves pages without the WebSocket: the socket never comes up, so the bell asks
    /staff/notifications/count/ every 20 s (the page's clock is driven by the test)."""
    from inbox.models import StaffNotification

    mei = agent_of(payments, "Mei Chen", "mei@wallet.example")
    ticket = TicketFactory(queue=payments)
    client = client_factory()
    client.force_login(mei)
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB")
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": site}])
    page = context.new_page()
    page.clock.install()
    page.goto(site + "/staff/")
    expect(page.locator("#bell-count")).to_be_hidden()

    StaffNotification.objects.create(
        recipient=mei, kind=StaffNotification.Kind.ASSIGNED, ticket=ticket, key="poll:1"
    )
    page.clock.run_for(19_000)
    expect(page.locator("#bell-count")).to_be_hidden()
    page.clock.run_for(2_000)

    expect(page.locator("#bell-count")).to_have_text("1")
    expect(page.locator("#bell")).to_have_attribute("aria-label", "Notifications, 1 unread")
    context.close()
