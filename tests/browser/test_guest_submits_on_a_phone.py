"""A guest whose wallet is locked files a payment problem from a phone, in Bahasa Indonesia."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tickets.models import Ticket

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_guest_submits_a_payment_problem_with_a_screenshot_and_replies(
    site, phone, browser, tmp_path
):
    screenshot = tmp_path / "bukti-transfer.png"
    from tests import files

    screenshot.write_bytes(files.png().read())
    page = phone.new_page()

    # The help centre, in Indonesian, with the payment topic.
    page.goto(site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.locator('a[href="/tickets/new/payment_failed/"]').first.click()

    # The payment form: what an agent needs, plus the screenshot.
    page.fill("#id_subject", "Bayar QRIS gagal tapi saldo terpotong")
    page.fill("#id_transaction_reference", "TRX-20261121-8F3K2Q")
    page.fill("#id_amount", "45.000")
    page.fill("#id_occurred_at", "2026-11-21T08:14")
    page.select_option("#id_payment_method", "qris")
    page.fill("#id_merchant", "Kedai Kopi Senopati")
    page.fill("#id_description", "Saldo saya terpotong Rp45.000 tapi kasir bilang belum masuk.")
    page.set_input_files("#id_attachments", str(screenshot))
    page.fill("#id_email", "andi.guest@example.net")
    page.fill("#id_name", "Andi Pratama")
    page.locator("form.ticket-form button.button-primary").click()

    # The confirmation: the reference and the private link.
    reference = page.locator("#ticket-reference")
    expect(reference).to_have_text(re.compile(r"^GP-[2-9A-HJ-NP-Z]{6}$"))
    link = page.locator("#ticket-link").inner_text()
    ticket = Ticket.objects.get(reference=reference.inner_text())
    assert ticket.attachments.get().original_name == "bukti-transfer.png"
    assert ticket.language == "id"

    # Later, on the same phone but a fresh browser (the link from the email), the guest replies.
    later = browser.new_context(**PHONE, locale="id-ID")
    try:
        page = later.new_page()
        page.goto(link)
        expect(page.locator("h1")).to_have_text("Bayar QRIS gagal tapi saldo terpotong")
        expect(page.locator(".thread")).to_contain_text("bukti-transfer.png")
        page.fill("#id_body", "Ini tangkapan layar dari bank saya juga.")
        page.locator("#reply button[type=submit]").click()
        expect(page.locator(".thread .message")).to_have_count(2)
        expect(page.locator(".thread")).to_contain_text("Ini tangkapan layar dari bank saya juga.")
    finally:
        later.close()
    assert ticket.messages.count() == 2


def test_a_mistake_comes_back_with_the_error_in_focus_and_nothing_lost(site, phone):
    page = phone.new_page()
    page.goto(site + "/tickets/new/payment_failed/")
    page.fill("#id_subject", "Pembayaran gagal")
    page.fill("#id_amount", "-5")
    page.fill("#id_merchant", "Toko Jaya")
    page.locator("form.ticket-form button.button-primary").click()

    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_amount_group .errorlist")).to_be_visible()
    expect(page.locator("#id_subject")).to_have_value("Pembayaran gagal")
    expect(page.locator("#id_merchant")).to_have_value("Toko Jaya")
    assert not Ticket.objects.exists()
