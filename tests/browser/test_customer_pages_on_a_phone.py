"""The customer pages on small phones (390 and 320 pixels wide): a 70-character email address, a
subject without a space, a long file name and a long link in an answer never make a page wider
than the screen; the private link on the confirmation is copied with one tap, and said so."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import TicketFactory, UserFactory
from tickets.models import Contact, Message, Ticket

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONES = {
    "390x844": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "320x640": {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True},
}
LONG_EMAIL = "andi.pratama.wijayakusuma.keuangan.keluargaku.2026@contoh-dompet.co.id"
LONG_SUBJECT = "Saldo-terpotong-dua-kali-" + "TRX-20261121-8F3K2Q-" * 5
LONG_FILE = "bukti-transfer-bank-" + "mandiri-" * 10 + "2026-11-21.png"
LONG_URL = "https://wallet.example/help/articles/" + "refund-status-" * 8 + "?ref=GP-52BT4X"


def test_the_long_values_are_long():
    assert len(LONG_EMAIL) == 70
    assert " " not in LONG_SUBJECT
    assert len(LONG_SUBJECT) > 100


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def assert_fits(page, phone: dict, what: str) -> None:
    width = phone["viewport"]["width"]
    assert page_width(page) <= width, f"{what} is {page_width(page)} px wide on a {width} px phone"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), what


def send_request_as_guest(page, site: str, tmp_path, email: str = LONG_EMAIL) -> None:
    from tests import files

    upload = tmp_path / LONG_FILE
    upload.write_bytes(files.png().read())
    page.goto(site + "/tickets/new/how_to/")
    page.fill("#id_subject", LONG_SUBJECT)
    page.fill("#id_description", f"Lihat {LONG_URL} untuk detailnya.")
    page.set_input_files("#id_attachments", str(upload))
    page.fill("#id_email", email)
    page.fill("#id_name", "Andi")
    page.locator("form.ticket-form button.button-primary").click()


@pytest.mark.parametrize("size", PHONES)
def test_no_customer_page_is_wider_than_the_phone(site, browser, client, tmp_path, size):
    phone = PHONES[size]
    context = browser.new_context(**phone, locale="id-ID")
    try:
        page = context.new_page()

        # The confirmation: the email address and the whole private link wrap.
        send_request_as_guest(page, site, tmp_path)
        expect(page.locator("#ticket-reference")).to_be_visible()
        expect(page.locator(".confirmation")).to_contain_text(LONG_EMAIL)
        assert_fits(page, phone, "the confirmation")

        # The ticket page, with a long link in our answer and the long file name.
        ticket = Ticket.objects.get()
        Message.objects.create(
            ticket=ticket,
            kind=Message.Kind.PUBLIC,
            author_type=Message.Author.AGENT,
            body=f"Silakan baca {LONG_URL}",
            source=Message.Source.WEB,
        )
        page.locator("#open-ticket").click()
        expect(page.locator(".thread")).to_contain_text(LONG_FILE)
        expect(page.locator(".thread")).to_contain_text("refund-status-refund-status")
        assert_fits(page, phone, "the ticket page")

        # The page saying the link is on its way, which repeats the address.
        page.goto(site + "/tickets/link/")
        page.fill("#id_reference", ticket.reference)
        page.fill("#id_email", LONG_EMAIL)
        page.locator("form.card button[type=submit]").click()
        expect(page.locator("#link-sent")).to_contain_text(LONG_EMAIL)
        assert_fits(page, phone, "the link-sent page")

        # A form sent back with errors, the long values still in it.
        page.goto(site + "/tickets/new/how_to/")
        page.fill("#id_subject", LONG_SUBJECT)
        page.fill("#id_email", LONG_EMAIL.replace("@", "-at-"))
        page.locator("form.ticket-form button.button-primary").click()
        expect(page.locator(".error-summary")).to_be_visible()
        assert_fits(page, phone, "the form with errors")
    finally:
        context.close()

    # Signed in with the long address: my requests, with a long subject in the list.
    # (The guest above signs up with the same address: their requests are theirs.)
    user = UserFactory(email=LONG_EMAIL, name="Andi")
    Contact.objects.filter(email=LONG_EMAIL).update(user=user)
    TicketFactory(requester=Contact.objects.get(email=LONG_EMAIL), subject="Refund " * 3)
    client.force_login(user)
    context = browser.new_context(**phone, locale="id-ID")
    try:
        name = settings.SESSION_COOKIE_NAME
        context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": site}])
        page = context.new_page()
        page.goto(site + "/requests/")
        expect(page.locator(".request-list")).to_contain_text("TRX-20261121")
        assert_fits(page, phone, "my requests")
        page.goto(site + "/")
        assert_fits(page, phone, "the help centre, signed in")
    finally:
        context.close()


def test_the_copy_button_copies_the_private_link_and_says_so(site, browser, tmp_path):
    context = browser.new_context(
        **PHONES["390x844"], locale="en-GB", permissions=["clipboard-read", "clipboard-write"]
    )
    try:
        page = context.new_page()
        send_request_as_guest(page, site, tmp_path, email="andi@example.net")
        link = page.locator("#ticket-link").inner_text()
        assert link.startswith(site + "/t/")

        page.locator("#copy-link").click()

        status = page.locator("#copy-status")
        expect(status).to_have_text("Copied")
        expect(status).to_have_attribute("aria-live", "polite")
        assert page.evaluate("navigator.clipboard.readText()") == link
    finally:
        context.close()


def test_where_copying_is_refused_the_link_is_selected_to_copy_by_hand(site, browser, tmp_path):
    context = browser.new_context(**PHONES["390x844"], locale="en-GB")
    # A browser that refuses both ways of copying.
    context.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new Error('refused'));"
        "document.execCommand = () => false;"
    )
    try:
        page = context.new_page()
        send_request_as_guest(page, site, tmp_path, email="andi@example.net")

        page.locator("#copy-link").click()

        expect(page.locator("#copy-status")).to_have_text(
            "Could not copy: select the text and copy it."
        )
        link = page.locator("#ticket-link").inner_text()
        assert page.evaluate("window.getSelection().toString()").strip() == link
    finally:
        context.close()
