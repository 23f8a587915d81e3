"""Nothing typed is lost (issue 18): a file survives a form that comes back with an error, and
the form survives a look at a suggested article ("No, continue with my request", the back
button), on a 390 x 844 phone."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests import files
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "/tickets/new/payment_failed/"
SUBJECT = "saldo terpotong tapi pembayaran gagal"
DESCRIPTION = "Saldo saya terpotong Rp45.000 tapi kasir bilang belum masuk."


def fill_payment(page, *, email: str = "andi.guest@example.net") -> None:
    page.fill("#id_transaction_reference", "TRX-20261121-8F3K2Q")
    page.fill("#id_amount", "45.000")
    page.fill("#id_occurred_at", "2026-11-21T08:14")
    page.select_option("#id_payment_method", "bank_card")
    page.fill("#id_card_last4", "1111")
    page.fill("#id_merchant", "Kedai Kopi Senopati")
    page.fill("#id_description", DESCRIPTION)
    page.fill("#id_email", email)
    page.fill("#id_name", "Andi Pratama")
    page.fill("#id_phone", "0812 3456 7890")


def send(page) -> None:
    page.locator("form.ticket-form button[type=submit].button-primary").click()


def a_screenshot(tmp_path: Path, name: str = "receipt.png") -> Path:
    path = tmp_path / name
    path.write_bytes(files.png(size=(300, 600)).read())
    return path


def test_a_file_survives_a_missing_email(site, phone, tmp_path):
    page = phone.new_page()
    page.goto(site + FORM)
    page.fill("#id_subject", "Bayar QRIS gagal tapi saldo terpotong")
    fill_payment(page, email="")
    page.set_input_files(
        "#id_attachments",
        [str(a_screenshot(tmp_path)), str(a_screenshot(tmp_path, "wrong-one.png"))],
    )
    send(page)

    # The error, and the screenshots shown as already attached.
    expect(page.locator("#id_email_group .errorlist")).to_be_visible()
    kept = page.locator("[data-testid=kept-uploads]")
    expect(kept).to_be_visible()
    expect(kept).to_contain_text("receipt.png")
    assert not Ticket.objects.exists()

    # One was the wrong file: Remove takes it out of the form.
    kept.locator("li", has_text="wrong-one.png").locator("button").click()
    expect(kept).not_to_contain_text("wrong-one.png")
    # Enter in a field sends the form (its default button), not the first "Remove".
    page.fill("#id_email", "andi.guest@example.net")
    page.press("#id_email", "Enter")

    expect(page.locator("#ticket-reference")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.attachments.get().original_name == "receipt.png"


def test_the_form_survives_a_look_at_a_suggested_article(site, phone):
    call_command("seed_faq", verbosity=0)
    page = phone.new_page()
    page.goto(site + FORM)
    fill_payment(page)
    page.locator("#id_subject").press_sequentially(SUBJECT, delay=20)

    # A suggested article, then "No, continue with my request".
    page.locator("[data-testid=faq-suggestion]").first.click()
    expect(page.locator("[data-testid=faq-solved-panel]")).to_be_visible()
    page.locator("[data-testid=faq-continue-request]").click()

    # Everything typed is back, and the suggestions are not asked for again.
    expect(page.locator("#id_subject")).to_have_value(SUBJECT)
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    expect(page.locator("#id_transaction_reference")).to_have_value("TRX-20261121-8F3K2Q")
    expect(page.locator("#id_payment_method")).to_have_value("bank_card")
    expect(page.locator("#id_card_last4")).to_be_visible()
    expect(page.locator("#id_card_last4")).to_have_value("1111")
    expect(page.locator("#id_email")).to_have_value("andi.guest@example.net")
    expect(page.locator("#id_name")).to_have_value("Andi Pratama")
    expect(page.locator("#id_phone")).to_have_value("0812 3456 7890")
    expect(page.locator("[data-testid=faq-suggestions]")).to_have_count(0)

    # The browser's back button from the article brings it back too.
    page.locator("#id_subject").press("End")
    page.locator("#id_subject").press_sequentially(" lagi", delay=20)
    page.locator("[data-testid=faq-suggestion]").first.click()
    expect(page.locator("[data-testid=faq-solved-panel]")).to_be_visible()
    page.go_back()
    expect(page.locator("#id_subject")).to_have_value(SUBJECT + " lagi")
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)

    send(page)

    expect(page.locator("#ticket-reference")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.subject == SUBJECT + " lagi"
    assert ticket.details["card_last4"] == "1111"
    assert ticket.requester.email == "andi.guest@example.net"

    # Sent: a new form in this tab starts empty.
    page.goto(site + FORM)
    expect(page.locator("#id_subject")).to_have_value("")
    expect(page.locator("#id_description")).to_have_value("")


def test_a_kept_file_survives_an_error_and_a_look_at_an_article(site, phone, tmp_path):
    call_command("seed_faq", verbosity=0)
    page = phone.new_page()
    page.goto(site + FORM)
    fill_payment(page, email="")
    page.set_input_files("#id_attachments", str(a_screenshot(tmp_path)))
    page.fill("#id_subject", "Pembayaran")
    send(page)
    expect(page.locator("[data-testid=kept-uploads]")).to_contain_text("receipt.png")

    # After the error, a suggestion read and "No, continue with my request".
    page.locator("#id_subject").fill("")
    page.locator("#id_subject").press_sequentially(SUBJECT, delay=20)
    page.locator("[data-testid=faq-suggestion]").first.click()
    page.locator("[data-testid=faq-continue-request]").click()

    expect(page.locator("#id_subject")).to_have_value(SUBJECT)
    expect(page.locator("[data-testid=kept-uploads]")).to_contain_text("receipt.png")
    page.fill("#id_email", "andi.guest@example.net")
    send(page)

    expect(page.locator("#ticket-reference")).to_be_visible()
    assert Ticket.objects.get().attachments.get().original_name == "receipt.png"


def test_a_chosen_file_the_page_cannot_bring_back_is_named(site, phone, tmp_path):
    page = phone.new_page()
    page.goto(site + FORM)
    page.set_input_files("#id_attachments", str(a_screenshot(tmp_path)))
    page.fill("#id_subject", SUBJECT)

    # The customer leaves and opens the form again (a link, not the back button).
    page.goto(site + "/")
    page.goto(site + FORM)

    expect(page.locator("#id_subject")).to_have_value(SUBJECT)
    notice = page.locator("[data-testid=choose-again]")
    expect(notice).to_contain_text("receipt.png")
    page.set_input_files("#id_attachments", str(a_screenshot(tmp_path)))
    expect(notice).to_be_hidden()
