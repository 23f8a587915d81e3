"""An agent applies a macro from the ticket page's picker, with the keyboard (issue 17): the
reply appears in the thread and the status, priority and tags change in the side panel."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.axe import PolicyRefusals, violations
from tests.factories import TicketFactory
from tickets.models import CannedResponse, Macro, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1440, "height": 900}, "laptop": {"width": 1280, "height": 720}}
# Set to a folder to keep screenshots of each step (they are not checked).
SHOTS = os.environ.get("SCREENSHOTS_DIR", "")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", caret="initial")  # "hide" styles inline


def no_serious_violations(page) -> None:
    """axe-core on the picker and the preview: nothing serious or critical."""
    assert violations(page, context={"include": [[".picker"], ["#macro-preview"]]}) == []


@pytest.fixture
def macros(payments):
    CannedResponse.objects.create(
        title="Ask for the transaction reference",
        language="en",
        body="Hi {customer_name}, please send the TRX reference of {reference}.",
    )
    CannedResponse.objects.create(
        title="Minta ID transaksi", language="id", body="Halo Kak {customer_name}."
    )
    Macro.objects.create(
        title="Pengembalian dana terkirim", language="id", reply_body="Halo", set_priority=1
    )
    return Macro.objects.create(
        title="Refund sent: tell the customer and wait",
        queue=payments,
        language="en",
        reply_body="Hi {customer_name}, the refund for {reference} is on its way. {agent_name}",
        set_status=Ticket.Status.PENDING_CUSTOMER,
        set_priority=Ticket.Priority.URGENT,
        add_tags="refund-sent",
    )


def sign_in(page, site: str, email: str) -> None:
    page.goto(site + "/staff/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", "correct-horse-battery")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Hello")


@pytest.mark.parametrize("size", ["desktop", "laptop"])
def test_an_agent_picks_a_macro_with_the_keyboard_previews_it_and_sends(
    site, browser, agent, customer, payments, macros, size
):
    ticket = TicketFactory(
        queue=payments, requester=customer.contact, subject="Refund for a cancelled order"
    )
    context = browser.new_context(viewport=SIZES[size], locale="en-GB")
    page = context.new_page()
    refused = PolicyRefusals(page)
    sign_in(page, site, agent.email)
    page.goto(site + f"/staff/tickets/{ticket.reference}/")
    page.wait_for_load_state("load")  # the deferred scripts bind their keys

    # `;` opens the picker: every usable item, the ticket's language first (the Indonesian
    # macro is not for English tickets; the Indonesian canned response comes last).
    page.locator("h1").click()
    page.keyboard.press(";")
    picker = page.locator("#picker-input")
    expect(picker).to_be_focused()
    expect(picker).to_have_attribute("aria-expanded", "true")
    options = page.locator("#picker-list [role=option]")
    expect(options).to_have_count(3)
    expect(options.first).to_contain_text("English")
    expect(options.last).to_contain_text("Bahasa Indonesia")
    shot(page, f"picker-open-{size}")

    # Typing filters by title and text; arrows move; Enter picks.
    page.keyboard.type("trx")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Ask for the transaction reference")
    page.keyboard.press("Control+a")
    page.keyboard.type("refund wait")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Refund sent: tell the customer and wait")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(picker).to_have_attribute("aria-activedescendant", "picker-option-0")
    shot(page, f"picker-filtered-{size}")
    page.keyboard.press("Enter")

    # The preview: the reply filled in, and the changes it will make.
    preview = page.locator("#macro-preview")
    expect(preview.locator("#macro-reply")).to_have_text(
        f"Hi Siti Customer, the refund for {ticket.reference} is on its way. Budi"
    )
    expect(preview.locator("#macro-changes")).to_contain_text(
        "Status: Waiting for customer; Priority: Urgent; Tags: +refund-sent"
    )
    expect(page.locator("#apply-macro")).to_be_focused()
    shot(page, f"macro-preview-{size}")

    page.locator("#apply-macro").click()

    expect(page.locator("#thread")).to_contain_text("the refund for")
    expect(page.locator("#ticket-status")).to_have_text("Waiting for customer")
    expect(page.locator("#set-priority")).to_have_value("4")
    expect(page.locator("#set-tags")).to_have_value("refund-sent ")
    expect(page.locator("#macro-preview")).to_be_empty()
    shot(page, f"macro-applied-{size}")
    assert refused == []
    context.close()


def test_ctrl_slash_from_the_reply_box_inserts_a_canned_response(
    site, browser, agent, customer, payments, macros
):
    ticket = TicketFactory(queue=payments, requester=customer.contact)
    context = browser.new_context(viewport=SIZES["desktop"], locale="en-GB")
    page = context.new_page()
    sign_in(page, site, agent.email)
    page.goto(site + f"/staff/tickets/{ticket.reference}/")
    page.wait_for_load_state("load")
    body = page.locator("#reply-form textarea[name=body]")
    body.fill("Hello. ")

    body.press("Control+/")
    expect(page.locator("#picker-input")).to_be_focused()
    page.keyboard.type("TRX")
    expect(page.locator("#picker-list [role=option]")).to_have_count(1)
    page.keyboard.press("Enter")

    expect(body).to_have_value(
        f"Hello. Hi Siti Customer, please send the TRX reference of {ticket.reference}."
    )
    expect(body).to_be_focused()
    context.close()


def test_the_picker_and_the_preview_pass_axe(site, browser, agent, customer, payments, macros):
    ticket = TicketFactory(queue=payments, requester=customer.contact)
    context = browser.new_context(viewport=SIZES["desktop"], locale="en-GB")
    page = context.new_page()
    sign_in(page, site, agent.email)
    page.goto(site + f"/staff/tickets/{ticket.reference}/")
    page.wait_for_load_state("load")
    page.locator("#picker-input").fill("refund")
    expect(page.locator("#picker-list [role=option]")).to_have_count(1)

    no_serious_violations(page)  # the open listbox
    page.keyboard.press("Enter")
    expect(page.locator("#apply-macro")).to_be_focused()
    no_serious_violations(page)  # the preview
    context.close()
