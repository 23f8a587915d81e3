"""An outage end to end (issue 19): a lead declares it on the staff pages; a customer on a phone,
reading Bahasa Indonesia, sees the banner on the help centre and on the form, files a matching
payment-failed ticket (virtual account, BRI) and is told it is linked to the known problem; the
lead resolves the incident, a real worker runs the resolve job, and the customer's ticket page
says in Bahasa Indonesia that the problem was fixed."""

import time

import pytest
from playwright.sync_api import expect

from incidents.models import Incident, IncidentJob
from tests.browser.axe import PolicyRefusals, violations
from tests.browser.conftest import PHONE
from tickets.models import Ticket

pytestmark = [
    pytest.mark.browser,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

TITLE_ID = "Top up lewat virtual account BRI tertunda"
MESSAGE_ID = (
    "Sejak pukul 09.40 top up lewat virtual account BRI terlambat masuk. Uang Anda aman. "
    "Tidak perlu menghubungi kami kecuali saldo belum masuk setelah 24 jam."
)


def no_overflow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def checked(page, refused) -> None:
    assert violations(page, refused) == []
    assert list(refused) == []


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the worker did not finish the resolve job in time")
        time.sleep(0.25)


def test_a_lead_declares_an_outage_and_a_customer_on_a_phone_follows_it_to_the_fix(
    live_site, live_worker, staff_context, browser, lead
):
    # A lead declares the incident on the staff pages.
    staff = staff_context(lead).new_page()
    staff.goto(live_site + "/staff/incidents/new/")
    staff.fill("#id_title_id", TITLE_ID)
    staff.fill("#id_title_en", "Top-ups via BRI virtual account are delayed")
    staff.fill("#id_message_id", MESSAGE_ID)
    staff.fill("#id_message_en", "Your money is safe. No need to write in for 24 hours.")
    staff.check("input[name=categories][value=payment_failed]")
    staff.check("input[name=payment_methods][value=virtual_account]")
    staff.fill("#id_banks", "BRI")
    staff.click("#declare-incident")
    expect(staff.locator("h1")).to_contain_text("BRI")
    incident = Incident.objects.get()
    assert incident.is_active
    assert incident.banks == ["BRI"]

    # The customer's phone, in Bahasa Indonesia: the banner on the help centre.
    phone = browser.new_context(**PHONE, locale="id-ID")
    page = phone.new_page()
    refused = PolicyRefusals(page)
    page.goto(live_site + "/")
    banner = page.locator(f"#incident-{incident.pk}")
    expect(banner).to_contain_text(TITLE_ID)
    expect(banner).to_contain_text("Uang Anda aman.")
    expect(banner).to_contain_text("Sejak hari ini pukul")
    expect(banner.get_by_role("link", name="Pantau di halaman status layanan")).to_be_visible()
    no_overflow(page)
    checked(page, refused)

    # The status page, linked from the banner.
    banner.get_by_role("link", name="Pantau di halaman status layanan").click()
    expect(page.locator("h1")).to_have_text("Status layanan")
    expect(page.locator(f"#incident-{incident.pk}")).to_contain_text(TITLE_ID)
    no_overflow(page)
    checked(page, refused)

    # The form: the banner with the choice to wait, and the form still usable below it.
    page.goto(live_site + "/tickets/new/payment_failed/")
    wait = page.get_by_role("link", name="Saya akan menunggu perbaikannya")
    expect(wait).to_be_visible()
    expect(wait).to_have_attribute("href", f"/status/?waiting=1#incident-{incident.pk}")
    expect(page.locator("#id_bank")).to_be_hidden()
    page.fill("#id_subject", "Top up VA BRI belum masuk")
    page.fill("#id_transaction_reference", "TRX-20261203-8F3K2Q")
    page.fill("#id_amount", "250.000")
    page.fill("#id_occurred_at", "2026-12-03T09:55")
    page.select_option("#id_payment_method", "virtual_account")
    expect(page.locator("#id_bank")).to_be_visible()
    page.select_option("#id_bank", "BRI")
    page.fill("#id_merchant", "Top up saldo")
    page.fill("#id_description", "Saya top up lewat VA BRI sejam lalu, saldo belum bertambah.")
    page.fill("#id_email", "andi.guest@example.net")
    page.fill("#id_name", "Andi Pratama")
    no_overflow(page)
    checked(page, refused)
    page.locator("form.ticket-form button.button-primary").click()

    # The confirmation says it is linked to the known problem.
    expect(page.locator("#ticket-reference")).to_be_visible()
    ticket = Ticket.objects.get(reference=page.locator("#ticket-reference").inner_text())
    assert ticket.incident_id == incident.pk
    assert ticket.details["bank"] == "BRI"
    expect(page.locator("#ticket-incident")).to_contain_text(
        f"Permintaan ini terkait dengan gangguan yang sudah kami ketahui: {TITLE_ID}."
    )
    no_overflow(page)
    checked(page, refused)
    page.locator("#open-ticket").click()
    expect(page.locator("#ticket-incident")).to_contain_text(TITLE_ID)

    # The lead resolves the incident; a real worker runs the resolve job.
    staff.goto(live_site + f"/staff/incidents/{incident.pk}/")
    staff.fill("#resolve_message_id", "Top up lewat VA BRI sudah normal kembali.")
    staff.fill("#resolve_message_en", "Top-ups via BRI virtual account work again.")
    staff.check("#resolve_confirm")
    staff.click("#resolve-incident")
    expect(staff.locator(".flash")).to_be_visible()
    job = IncidentJob.objects.get(incident=incident, kind=IncidentJob.Kind.RESOLVE)
    wait_for(lambda: IncidentJob.objects.get(pk=job.pk).state == IncidentJob.State.DONE)

    # The customer's ticket page: fixed, in Bahasa Indonesia, with the templated reply.
    page.reload()
    note = page.locator("#ticket-incident")
    expect(note).to_contain_text("Gangguan yang terkait dengan permintaan ini sudah diperbaiki")
    expect(note).to_contain_text("hari ini pukul")
    expect(page.locator(".thread")).to_contain_text("Top up lewat VA BRI sudah normal kembali.")
    expect(page.locator("#ticket-status")).to_have_text("Selesai")
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.RESOLVED
    no_overflow(page)
    checked(page, refused)

    # The help centre has no banner any more.
    page.goto(live_site + "/")
    expect(page.locator(".incident-banner")).to_have_count(0)
    phone.close()
