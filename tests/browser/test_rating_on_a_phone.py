"""The rating on a phone (issue 18): 1 to 5 on one row down to 320 px in every language, each a
44 px target, and tapping the fifth choice records 5."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.factories import TicketFactory
from tickets import links
from tickets.models import CSATResponse, Ticket

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SMALL_PHONE = {**PHONE, "viewport": {"width": 320, "height": 640}}


@pytest.fixture
def solved(site, customer, payments):
    """A solved request of `customer`, opened through its private link."""
    ticket = TicketFactory(requester=customer.contact, queue=payments)
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Ticket.Status.RESOLVED, resolved_at=timezone.now()
    )
    return ticket


@pytest.mark.parametrize("locale", ["id-ID", "en-GB", "zh-CN"])
def test_the_choices_sit_on_one_row_on_a_320_px_phone(browser, solved, locale):
    context = browser.new_context(**SMALL_PHONE, locale=locale)
    try:
        page = context.new_page()
        page.goto(links.link_url(solved) + "#rate")
        choices = page.locator("#rate .star")
        expect(choices).to_have_count(5)

        boxes = [choices.nth(i).bounding_box() for i in range(5)]
        assert len({round(box["y"]) for box in boxes}) == 1, boxes
        assert [box["x"] for box in boxes] == sorted(box["x"] for box in boxes)
        assert all(box["width"] >= 44 and box["height"] >= 44 for box in boxes), boxes
        numbers = choices.locator("span[aria-hidden=true]")
        assert [numbers.nth(i).inner_text() for i in range(5)] == list("12345")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.locator("#rate").screenshot(
            path=f"/tmp/shots/h3-rating-320-{locale}.png", caret="initial"
        )
    finally:
        context.close()


def test_tapping_the_fifth_choice_records_5(browser, solved):
    context = browser.new_context(**PHONE, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(links.link_url(solved) + "#rate")
        expect(page.get_by_role("radio", name="5 – Very happy")).to_be_visible()
        expect(page.get_by_role("radio", name="1 – Very unhappy")).to_be_visible()

        page.locator("#rate .star").nth(4).tap()
        expect(page.get_by_role("radio", name="5 – Very happy")).to_be_checked()
        page.locator("#rate").screenshot(
            path="/tmp/shots/h3-rating-390-chosen.png", caret="initial"
        )
        page.locator("#rate button[type=submit]").click()

        expect(page.locator("#rating-done")).to_contain_text("You rated our help 5 out of 5.")
        assert CSATResponse.objects.get(ticket=solved).score == 5
        page.screenshot(path="/tmp/shots/h3-rating-390-done.png", caret="initial")
    finally:
        context.close()


def test_a_low_rating_tells_the_customer_a_team_lead_will_contact_them(phone, solved, lead):
    page = phone.new_page()
    page.goto(links.link_url(solved) + "#rate")

    page.locator("#rate .star").nth(0).tap()
    page.fill("#id_comment", "Saldo saya belum kembali.")
    page.locator("#rate button[type=submit]").click()

    expect(page.locator("#rating-done")).to_be_visible()
    assert CSATResponse.objects.get(ticket=solved).score == 1
    page.screenshot(path="/tmp/shots/h3-rating-390-low-id.png", caret="initial", full_page=True)


def test_the_lead_finds_a_low_rating_in_the_notification_centre_and_on_the_ticket(
    live_site, staff_context, lead, customer, payments
):
    """The staff side of a low rating: the lead's notification opens the ticket, whose thread
    holds the score and the comment."""
    from tickets.services import rate_ticket

    ticket = TicketFactory(requester=customer.contact, queue=payments)
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Ticket.Status.RESOLVED, resolved_at=timezone.now()
    )
    ticket.refresh_from_db()
    live_site.in_thread(
        rate_ticket, ticket=ticket, contact=customer.contact, score=2, comment="Nobody called me."
    )
    page = staff_context(lead, viewport={"width": 1280, "height": 800}).new_page()
    page.goto(live_site + "/staff/notifications/")

    row = page.locator("#notification-list li").first
    expect(row).to_contain_text(f"{ticket.reference} was rated 2 out of 5: please follow up")
    row.locator("a").first.click()

    note = page.locator("#thread .message-note").last
    expect(note).to_contain_text("The customer rated our help 2 out of 5.")
    expect(note).to_contain_text("Nobody called me.")
    note.screenshot(path="/tmp/shots/h3-staff-low-rating-note-1280.png", caret="initial")
