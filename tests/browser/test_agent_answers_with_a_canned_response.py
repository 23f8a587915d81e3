"""An agent's round trip in the workspace (issue 4), seen by the customer."""

import pytest
from playwright.sync_api import expect

from tests.factories import TicketFactory
from tickets.models import CannedResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def test_an_agent_claims_answers_with_a_canned_response_and_the_customer_sees_it(
    site, browser, agent, customer, payments
):
    ticket = TicketFactory(
        queue=payments, requester=customer.contact, subject="QRIS payment failed"
    )
    CannedResponse.objects.create(
        title="Ask for the transaction reference",
        language="en",
        queue=payments,
        body=(
            "Hi {customer_name}, please send the transaction reference of {reference}. {agent_name}"
        ),
    )
    staff = browser.new_context(**DESKTOP, locale="en-GB")
    page = staff.new_page()

    # The agent signs in and opens the payments queue.
    page.goto(site + "/staff/login/")
    page.fill("#id_username", agent.email)
    page.fill("#id_password", "correct-horse-battery")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Hello")
    page.goto(site + "/staff/queue/?queue=payments")
    page.get_by_role("link", name=ticket.reference).click()
    expect(page.locator("h1")).to_have_text("QRIS payment failed")

    # Claims it, inserts the canned response, sends it.
    page.locator("#claim").click()
    expect(page.locator("#set-assignee")).to_have_value(str(agent.pk))
    page.locator("#picker-input").fill("transaction")
    page.locator("#picker-list [role=option]", has_text="Ask for the transaction reference").click()
    body = page.locator("#reply-form textarea[name=body]")
    expect(body).to_have_value(
        f"Hi Siti Customer, please send the transaction reference of {ticket.reference}. Budi"
    )
    page.locator("#send-reply").click()
    expect(page.locator("#thread .message-agent")).to_contain_text(
        "please send the transaction reference"
    )
    expect(body).to_have_value("")

    # The audit trail lists the claim and the reply.
    trail = page.locator("#audit-trail")
    expect(trail).to_contain_text("Assignee changed")
    expect(trail).to_contain_text("Public reply")
    staff.close()

    # The customer sees the answer on their ticket page.
    customer_context = browser.new_context(**DESKTOP, locale="en-GB")
    mine = customer_context.new_page()
    mine.goto(site + "/accounts/login/")
    mine.fill("#id_username", customer.email)
    mine.fill("#id_password", "correct-horse-battery")
    mine.locator("form.card button[type=submit]").click()
    mine.goto(site + f"/tickets/{ticket.reference}/")
    expect(mine.locator(".thread")).to_contain_text(
        f"please send the transaction reference of {ticket.reference}"
    )
    customer_context.close()


def test_shortcuts_are_listed_under_the_question_mark(site, browser, agent):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(site + "/staff/login/")
    page.fill("#id_username", agent.email)
    page.fill("#id_password", "correct-horse-battery")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Hello")
    # The heading paints before the deferred staff.js has bound its key handler.
    page.wait_for_load_state("load")

    page.keyboard.press("?")

    expect(page.locator("#shortcuts")).to_be_visible()
    expect(page.locator("#shortcuts")).to_contain_text("Claim this ticket")
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    page.keyboard.press("u")
    expect(page).to_have_url(site + "/staff/queue/?view=unassigned")
    context.close()
