"""axe-core on the staff workspace's pages at 1440x900: no serious or critical violation, and the
Content-Security-Policy refuses nothing the pages do (issue 17, part "accessibility")."""

import pytest
from playwright.sync_api import expect

from branding.models import ONLY_ROW, Brand
from tests.browser.axe import PolicyRefusals, violations
from tests.browser.staff_pages import VIEWPORTS, refund_ticket, sign_in
from tests.factories import TicketFactory
from tickets import services
from tickets.services import Actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport=VIEWPORTS["1440x900"], locale="en-GB")
    page = context.new_page()
    yield page, PolicyRefusals(page)
    context.close()


def test_the_staff_pages_have_no_serious_or_critical_violations(site, desk, lead, payments):
    page, refused = desk
    ticket = refund_ticket(payments, assignee=lead)
    # A long audit trail: the list scrolls, and must then be reachable by keyboard.
    for n in range(30):
        services.set_tags(ticket=ticket, names=[f"tag-{n}"], by=Actor.agent(lead))
    TicketFactory.create_batch(3, queue=payments)
    found = {}

    page.goto(site + "/staff/login/")
    found["login"] = violations(page, refused)
    sign_in(page, site, lead)
    pages = {
        "dashboard": "/staff/",
        "queue": "/staff/queue/?queue=payments",
        "ticket": f"/staff/tickets/{ticket.reference}/",
        "customer": f"/staff/customers/{ticket.requester_id}/",
        "reports": "/staff/reports/",
    }
    for name, path in pages.items():
        page.goto(site + path)
        expect(page.locator("h1")).to_be_visible()
        found[name] = violations(page, refused)
        if name == "ticket":
            trail = page.locator("#audit-trail .events")
            assert trail.evaluate("list => list.scrollHeight > list.clientHeight")

    # The question before going away, open over the dashboard.
    page.goto(site + "/staff/")
    page.get_by_role("button", name="Available").click()
    expect(page.locator("#away-dialog")).to_be_visible(timeout=2000)
    found["away dialog"] = violations(page, refused)

    assert {name: problems for name, problems in found.items() if problems} == {}
    assert refused == []


def test_buttons_and_links_read_whatever_colour_the_brand_holds(site, desk, lead, payments):
    # A light green stored by hand (the admin refuses it today; an older row may hold it):
    # white text on it would be 2.6:1. The pages darken it where text is on or in it.
    Brand.objects.create(pk=ONLY_ROW, primary_colour="#12b76a")
    page, refused = desk
    ticket = refund_ticket(payments)
    sign_in(page, site, lead)
    found = {}

    for name, path in {
        "dashboard": "/staff/",
        "ticket": f"/staff/tickets/{ticket.reference}/",
    }.items():
        page.goto(site + path)
        expect(page.locator("h1")).to_be_visible()
        found[name] = violations(page, refused)

    claim = page.locator("#claim")
    assert claim.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(13, 128, 74)"
    assert {name: problems for name, problems in found.items() if problems} == {}
