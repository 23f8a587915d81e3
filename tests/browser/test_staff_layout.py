"""The staff workspace's layout at the two desktop sizes agents use (issue 17, part "layout"):
the side panel's values readable on one line, the queue never wider than the window, `j` keeping
the menu in view, and going away asking first and undone."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.staff_pages import (
    CHINESE_SUBJECT,
    LONG_EMAIL,
    VIEWPORTS,
    account_ticket,
    guest_with_a_long_email_ticket,
    one_line,
    refund_ticket,
    sign_in,
)
from tests.factories import TicketFactory, UserFactory
from tickets import roles
from tickets.models import QueueMembership, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def desk(request, browser):
    """A desktop browser at each size agents work at."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="en-GB")
    yield context.new_page()
    context.close()


@pytest.fixture
def refunds_agent(refunds):
    user = UserFactory(name="Mei Refunds")
    user.groups.add(Group.objects.get(name=roles.AGENT))
    QueueMembership.objects.create(queue=refunds, user=user)
    return user


def assert_on_one_line(locator, name: str) -> None:
    seen = one_line(locator)
    assert seen["lines"] == 1, f"{name}: {seen}"
    assert seen["height"] <= seen["lineHeight"] * 1.2, f"{name}: {seen}"
    assert seen["parentWidth"] > 100, f"{name}: {seen}"


def test_a_refund_tickets_details_are_each_on_one_line(site, desk, refunds_agent, refunds):
    ticket = refund_ticket(refunds)
    sign_in(desk, site, refunds_agent)

    desk.goto(site + f"/staff/tickets/{ticket.reference}/")

    for name in ("transaction_reference", "amount", "transaction_date", "merchant"):
        value = desk.locator(f"#detail-{name}")
        expect(value).to_be_visible()
        assert_on_one_line(value, name)
    expect(desk.locator("#detail-transaction_reference")).to_have_text("TRX-20261121-8F3K2Q")
    expect(desk.locator("#detail-amount")).to_have_text("IDR 1.850.000")
    assert_on_one_line(desk.locator("#requester-phone"), "requester phone")
    # Copy buttons name what they copy.
    for name in ("Copy transaction reference", "Copy amount", "Copy ticket reference"):
        expect(desk.get_by_role("button", name=name).first).to_be_visible()
    expect(desk.get_by_role("button", name="Copy phone number")).to_be_visible()


def test_copying_a_transaction_reference_says_copied(site, desk, refunds_agent, refunds):
    ticket = refund_ticket(refunds)
    desk.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    sign_in(desk, site, refunds_agent)
    desk.goto(site + f"/staff/tickets/{ticket.reference}/")

    desk.get_by_role("button", name="Copy transaction reference").click()

    expect(desk.locator("#copy-status")).to_have_text("Copied", timeout=2000)
    copied = desk.evaluate("navigator.clipboard.readText()")
    assert copied == "TRX-20261121-8F3K2Q"
    desk.get_by_role("button", name="Copy amount").click()
    assert desk.evaluate("navigator.clipboard.readText()") == "1850000"


def test_an_account_tickets_phone_number_is_on_one_line(site, desk, agent, payments):
    ticket = account_ticket(payments)
    sign_in(desk, site, agent)

    desk.goto(site + f"/staff/tickets/{ticket.reference}/")

    phone = desk.locator("#detail-registered_phone")
    expect(phone).to_have_text("+6281298765432")
    assert_on_one_line(phone, "registered phone")


def test_the_queue_never_overflows_the_window(site, desk, agent, payments):
    guest_with_a_long_email_ticket(payments)
    TicketFactory.create_batch(3, queue=payments)
    sign_in(desk, site, agent)

    desk.goto(site + "/staff/queue/?queue=payments")

    table = desk.locator(".queue-table")
    expect(table).to_contain_text(LONG_EMAIL[:10])
    widths = desk.evaluate(
        """() => ({
            viewport: window.innerWidth,
            page: document.documentElement.scrollWidth,
            table: document.querySelector('.queue-table').scrollWidth,
        })"""
    )
    assert widths["page"] <= widths["viewport"], widths
    assert widths["table"] <= widths["viewport"], widths
    subject = desk.locator("td.subject", has_text=CHINESE_SUBJECT[:8])
    assert_on_one_line(subject, "subject")
    expect(subject).to_have_attribute("title", CHINESE_SUBJECT)
    requester = desk.locator("td.requester-cell", has_text=LONG_EMAIL[:10])
    assert_on_one_line(requester, "requester")
    expect(requester).to_have_attribute("title", LONG_EMAIL)


def test_j_moves_the_current_row_and_the_menu_stays_in_view(site, desk, agent, payments):
    TicketFactory.create_batch(40, queue=payments)
    guest_with_a_long_email_ticket(payments)
    sign_in(desk, site, agent)
    desk.goto(site + "/staff/queue/?queue=payments&per_page=50")
    expect(desk.locator(".queue-row")).to_have_count(41)

    for _ in range(30):
        desk.keyboard.press("j")

    current = desk.locator(".queue-row.is-current")
    expect(current).to_have_count(1)
    assert desk.locator(".queue-row").nth(29).get_attribute("class").count("is-current") == 1
    expect(current).to_be_in_viewport()
    state = desk.evaluate(
        """() => {
            const menu = document.querySelector('nav.sidebar').getBoundingClientRect();
            return {scrollX: window.scrollX, scrollY: window.scrollY,
                    menuTop: menu.top, menuLeft: menu.left, height: window.innerHeight};
        }"""
    )
    assert state["scrollY"] > 0, state  # the page did scroll to the row
    assert state["scrollX"] == 0, state
    assert 0 <= state["menuTop"] < state["height"], state
    assert state["menuLeft"] >= 0, state
    expect(desk.get_by_role("link", name="All my queues").first).to_be_in_viewport()


def test_going_away_asks_hands_back_and_undo_restores(site, desk, agent, payments):
    mine = TicketFactory.create_batch(2, queue=payments, assignee=agent)
    sign_in(desk, site, agent)

    desk.get_by_role("button", name="Available").click()

    dialog = desk.locator("#away-dialog")
    expect(dialog).to_be_visible(timeout=2000)
    expect(dialog).to_contain_text("What happens to your 2 open tickets?")
    expect(dialog.get_by_label("Keep them")).to_be_checked()
    dialog.get_by_label("Hand them back to the queue").check()
    dialog.get_by_role("button", name="Go away").click()

    expect(desk.locator("#away-undo")).to_contain_text("2 tickets went back to the queue.")
    expect(desk.get_by_role("button", name="Away")).to_be_visible()
    assert Ticket.objects.filter(pk__in=[t.pk for t in mine], assignee=None).count() == 2

    desk.get_by_role("button", name="Undo").click()

    expect(desk.locator("#flash")).to_contain_text("2 tickets are yours again.")
    expect(desk.get_by_role("button", name="Available")).to_be_visible()
    assert Ticket.objects.filter(pk__in=[t.pk for t in mine], assignee=agent).count() == 2


def test_cancelling_the_away_dialog_changes_nothing(site, desk, agent, payments):
    TicketFactory(queue=payments, assignee=agent)
    sign_in(desk, site, agent)

    desk.get_by_role("button", name="Available").click()
    dialog = desk.locator("#away-dialog")
    expect(dialog).to_be_visible(timeout=2000)
    dialog.get_by_role("link", name="Cancel").click()

    expect(dialog).to_be_hidden()
    expect(desk.get_by_role("button", name="Available")).to_be_focused()
    agent.refresh_from_db()
    assert agent.is_available
