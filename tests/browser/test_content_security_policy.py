"""The Content-Security-Policy holds and nothing on the main pages breaks under it: Chromium
reports no violation while a customer and an agent go through their usual pages."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, TicketFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def watched(context):
    """A page that records what Chromium reports: a blocked script, style, image, frame or
    request is logged as a console error naming the Content Security Policy."""
    page = context.new_page()
    page.violations = []
    page.on(
        "console",
        lambda message: (
            page.violations.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: page.violations.append(f"{page.url}: {error.stack}"))
    return page


def violations(page) -> list[str]:
    return page.violations


def test_a_customer_and_an_agent_meet_no_violation(site, browser, agent, customer, payments):
    ArticleFactory(
        texts={"en": ("Balance deducted but payment failed", "What to do.", "saldo terpotong")}
    )
    ticket = TicketFactory(queue=payments, requester=customer.contact, subject="QRIS failed")

    customer_side = browser.new_context(**PHONE, locale="en-GB")
    page = watched(customer_side)
    response = page.goto(site + "/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "camera=()" in response.headers["permissions-policy"]
    page.goto(site + "/help/")
    page.fill("#faq-search-input", "payment failed")
    page.press("#faq-search-input", "Enter")
    expect(page.locator("h1")).to_be_visible()
    page.goto(site + "/tickets/new/payment_failed/")
    page.locator("#id_subject").press_sequentially("balance deducted payment failed", delay=20)
    page.wait_for_timeout(800)
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", customer.email)
    page.fill("#id_password", "correct-horse-battery")
    page.locator("main form button[type=submit]").click()
    page.goto(site + f"/tickets/{ticket.reference}/")
    expect(page.locator("h1")).to_contain_text("QRIS failed")
    assert violations(page) == []
    customer_side.close()

    staff = browser.new_context(**DESKTOP, locale="en-GB")
    page = watched(staff)
    page.goto(site + "/staff/login/")
    page.fill("#id_username", agent.email)
    page.fill("#id_password", "correct-horse-battery")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Hello")
    page.goto(site + "/staff/queue/?queue=payments")
    page.get_by_role("link", name=ticket.reference).click()
    page.locator("#claim").click()
    expect(page.locator("#set-assignee")).to_have_value(str(agent.pk))
    page.keyboard.press("?")
    assert violations(page) == []
    staff.close()


def test_the_admin_and_the_api_documentation_work_under_it(site, browser, admin_user):
    admin_user.set_password("correct-horse-battery")
    admin_user.save()
    context = browser.new_context(**DESKTOP, locale="en-GB")
    page = watched(context)

    page.goto(site + "/admin/login/")
    page.fill("#id_username", admin_user.email)
    page.fill("#id_password", "correct-horse-battery")
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_contain_text("Helpdesk administration")
    page.goto(site + "/admin/tickets/ticket/")
    page.goto(site + "/admin/tickets/slapolicy/add/")
    page.goto(site + "/api/docs/")
    expect(page.locator(".swagger-ui")).to_be_visible()
    page.goto(site + "/api/redoc/")
    expect(page.locator("redoc h1").first).to_be_visible()

    # ReDoc always shows its maker's logo from their CDN: blocked, as any outside request is.
    assert [v for v in violations(page) if "cdn.redoc.ly" not in v] == []
    context.close()
