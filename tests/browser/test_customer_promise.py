"""On a phone, in Bahasa Indonesia: the confirmation promises the first answer at the SLA timer's
own due time, in the business calendar's zone, and the ticket page shows it with the request's
progress (issue 18)."""

from datetime import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.factories import make_sla_policy
from tickets.models import BusinessCalendar, BusinessWindow, Ticket
from tickets.promise import due_words

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def office_hours_policy() -> None:
    """Payments: a first answer within two business hours, 08:00-17:00 WIB every day."""
    calendar = BusinessCalendar.objects.create(name="Every day", time_zone="Asia/Jakarta")
    BusinessWindow.objects.bulk_create(
        BusinessWindow(calendar=calendar, weekday=day, starts_at=time(8), ends_at=time(17))
        for day in range(7)
    )
    make_sla_policy(
        name="Payments",
        calendar=calendar,
        targets={"first_response": 120},
        categories=["payment_failed"],
    )


def test_the_promised_time_on_the_confirmation_is_the_sla_due_time(site, phone):
    office_hours_policy()
    page = phone.new_page()
    page.goto(site + "/tickets/new/payment_failed/")
    page.fill("#id_subject", "Bayar QRIS gagal tapi saldo terpotong")
    page.fill("#id_transaction_reference", "TRX-20261121-8F3K2Q")
    page.fill("#id_amount", "45.000")
    page.fill("#id_occurred_at", "2026-11-21T08:14")
    page.select_option("#id_payment_method", "qris")
    page.fill("#id_merchant", "Kedai Kopi Senopati")
    page.fill("#id_description", "Saldo saya terpotong Rp45.000 tapi kasir bilang belum masuk.")
    page.fill("#id_email", "andi.guest@example.net")
    page.fill("#id_name", "Andi Pratama")
    page.locator("form.ticket-form button.button-primary").click()

    expect(page.locator("#ticket-reference")).to_be_visible()
    ticket = Ticket.objects.get(reference=page.locator("#ticket-reference").inner_text())
    timer = ticket.sla_timers.get(metric="first_response")
    with translation.override("id"):
        promised = due_words(timer.due_at, ZoneInfo("Asia/Jakarta"), now=ticket.created_at)
    due = page.locator("#promise time")
    expect(due).to_have_attribute("datetime", timer.due_at.isoformat())
    expect(due).to_have_text(promised)
    expect(page.locator("#promise")).to_contain_text(
        f"Kami akan menjawab paling lambat {promised}."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The request's page: the same promise, and its progress with the current step marked.
    page.locator("#open-ticket").click()
    expect(page.locator("#promise time")).to_have_text(promised)
    expect(page.locator('#timeline [aria-current="step"]')).to_contain_text("Diterima")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
