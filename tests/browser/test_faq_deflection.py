"""A customer about to file a ticket finds the answer in the FAQ instead (issue 7)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from faq.models import Deflection
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_suggested_article_solves_the_problem_and_no_ticket_is_filed(site, phone):
    call_command("seed_faq", verbosity=0)
    page = phone.new_page()
    page.goto(site + "/tickets/new/payment_failed/")

    page.locator("#id_subject").press_sequentially(
        "saldo terpotong tapi pembayaran gagal", delay=20
    )

    suggestions = page.locator("[data-testid=faq-suggestions]")
    expect(suggestions).to_be_visible()
    first = page.locator("[data-testid=faq-suggestion]").first
    expect(first).to_contain_text("Saldo")
    first.click()

    expect(page.locator("h1")).to_be_visible()
    page.locator("#faq-solved-button").click()
    expect(page.locator("[data-testid=faq-solved-thanks]")).to_be_visible()

    assert Deflection.objects.filter(kind="solved").count() == 1
    assert Deflection.objects.filter(kind="shown").exists()
    assert not Ticket.objects.exists()
