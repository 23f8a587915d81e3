"""Incidents as customers see them (issue 19): the banner on the help centre and on the matching
forms, the public status page, the "linked to a known problem" note on a linked ticket's
confirmation and page (and after the fix), the receipt email, and the bank on the
payment-failed form that incidents match on."""

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.utils import timezone

from incidents import jobs
from incidents import services as incident_services
from incidents.models import IncidentJob
from notifications.delivery import build_email
from tests.incidents.core import declare
from tests.portal.conftest import VALID, as_guest, reference_in
from tickets.forms import PaymentFailedForm
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

FORM = "/tickets/new/payment_failed/"
# Thursday 3 December 2026, 09:40 in Jakarta (WIB, UTC+7).
STARTED = datetime(2026, 12, 3, 2, 40, tzinfo=UTC)


def bri_incident(by=None, **values):
    values.setdefault("title_id", "Top up lewat virtual account BRI tertunda")
    values.setdefault(
        "message_id",
        "Uang Anda aman. Tidak perlu menghubungi kami kecuali saldo belum masuk setelah 24 jam.",
    )
    values.setdefault("title_en", "Top-ups via BRI virtual account are delayed")
    values.setdefault(
        "message_en", "Your money is safe. No need to write in unless it is not there in 24 hours."
    )
    values.setdefault("payment_methods", ["virtual_account"])
    values.setdefault("banks", ["BRI"])
    return declare(by, **values)


def page(client, url: str, language: str = "en") -> str:
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return unescape(response.content.decode())


def file_bri_ticket(client, **fields) -> tuple[str, str]:
    response = client.post(
        FORM,
        as_guest(
            VALID["payment_failed"],
            **{"payment_method": "virtual_account", "bank": "BRI", **fields},
        ),
        follow=True,
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    html = unescape(response.content.decode())
    return reference_in(html), html


# The banner


def test_it_shows_the_banner_on_the_help_centre_in_the_customers_language(client):
    with time_machine.travel(STARTED, tick=False):
        bri_incident(started_at=STARTED, expected_end_at=STARTED + timedelta(hours=3))
    with time_machine.travel(STARTED + timedelta(minutes=20)):
        english = page(client, "/", "en")
        indonesian = page(client, "/", "id")
    assert "Top-ups via BRI virtual account are delayed" in english
    assert "Since today at 09:40 WIB." in english
    assert "We expect it to be fixed by today at 12:40 WIB." in english
    assert 'href="/status/#incident-' in english
    assert "Top up lewat virtual account BRI tertunda" in indonesian
    assert "Uang Anda aman." in indonesian
    assert "Top-ups via BRI" not in indonesian


def test_a_language_without_its_own_text_falls_back_to_english(client):
    bri_incident()
    assert "Top-ups via BRI virtual account are delayed" in page(client, "/", "zh-hans")


def test_it_shows_no_banner_when_nothing_is_going_on(client):
    html = page(client, "/")
    assert "incident-banner" not in html


def test_it_shows_no_banner_for_an_incident_without_one_or_resolved(client, lead):
    bri_incident(show_banner=False, title_en="Hidden one")
    shown = bri_incident(title_en="Fixed one")
    incident_services.resolve(shown, by=lead, message_en="Fixed.")
    html = page(client, "/")
    assert "Hidden one" not in html
    assert "Fixed one" not in html
    assert "incident-banner" not in html


def test_the_banner_is_on_the_forms_of_its_categories_only(client):
    bri_incident()
    assert "Top-ups via BRI" in page(client, FORM)
    assert "Top-ups via BRI" not in page(client, "/tickets/new/refund/")


def test_an_incident_without_categories_is_on_every_form(client):
    bri_incident(categories=(), title_en="Everything is slow")
    assert "Everything is slow" in page(client, FORM)
    assert "Everything is slow" in page(client, "/tickets/new/refund/")


def test_the_form_offers_to_wait_for_the_fix_and_stays_usable(client):
    incident = bri_incident()
    html = page(client, FORM)
    assert "I'll wait for the fix" in html
    assert f'href="/status/?waiting=1#incident-{incident.pk}"' in html
    assert 'name="subject"' in html
    assert "Send request" in html
    waiting = page(client, "/status/?waiting=1")
    assert "You don't need to write to us about this problem" in waiting


# Committed: a change inside a transaction not yet committed is read afresh (config_cache).
@pytest.mark.django_db(transaction=True)
def test_the_banner_is_read_from_the_cache_not_the_database(client, django_assert_num_queries):
    bri_incident()
    page(client, "/")  # loads the cache
    from portal.incidents import banners

    with django_assert_num_queries(0):
        assert [notice.title for notice in banners()] == [
            "Top-ups via BRI virtual account are delayed"
        ]


def test_the_banner_escapes_what_the_lead_wrote(client):
    bri_incident(title_en="<script>alert(1)</script> delayed")
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; delayed" in html


# The status page


def test_the_status_page_says_all_is_normal_when_there_is_no_incident(client):
    html = page(client, "/status/")
    assert "All systems normal" in html


def test_the_status_page_lists_active_and_recent_incidents_with_their_updates(client, lead):
    with time_machine.travel(STARTED, tick=False):
        active = bri_incident(by=lead, started_at=STARTED)
    with time_machine.travel(STARTED + timedelta(minutes=30), tick=False):
        incident_services.post_update(
            active, by=lead, status="identified", message_en="BRI found the cause."
        )
    with time_machine.travel(STARTED - timedelta(days=3), tick=False):
        fixed = declare(lead, title_en="QRIS payments failing")
        incident_services.resolve(fixed, by=lead, message_en="QRIS works again.")
    with time_machine.travel(STARTED - timedelta(days=20), tick=False):
        old = declare(lead, title_en="An old problem")
        incident_services.resolve(old, by=lead, message_en="Fixed long ago.")
    with time_machine.travel(STARTED + timedelta(hours=1), tick=False):
        html = page(client, "/status/")
    assert "All systems normal" not in html
    assert html.index("Top-ups via BRI") < html.index("QRIS payments failing")
    # newest update first, with its time and status
    assert html.index("BRI found the cause.") < html.index("Your money is safe.")
    assert "Today at 10:10 WIB" in html
    assert "Identified" in html
    assert "QRIS works again." in html
    assert "An old problem" not in html


def test_the_status_page_shows_no_staff_data(client, lead, customer):
    incident = bri_incident(by=lead)
    Ticket.objects.filter(pk=ticket_of(customer).pk).update(incident=incident)
    incident_services.post_update(incident, by=lead, status="identified", message_en="Found it.")
    html = page(client, "/status/")
    assert lead.name not in html
    assert lead.email not in html
    assert "incident-" + str(incident.pk) in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    # neither the conditions nor the linked tickets
    for staff_only in ("virtual_account", "payment_failed", incident.tag.name + "<"):
        assert staff_only not in main
    assert "1 ticket" not in main
    assert "Linked" not in main


def ticket_of(customer):
    from tests.factories import TicketFactory

    return TicketFactory(requester=customer.contact)


def test_the_status_page_is_linked_from_every_customer_page(client):
    assert 'href="/status/"' in page(client, "/")
    assert 'href="/status/"' in page(client, "/tickets/new/")


# A linked ticket


def test_the_confirmation_and_the_ticket_page_say_it_is_linked(client):
    incident = bri_incident()
    reference, confirmation = file_bri_ticket(client)
    ticket = Ticket.objects.get(reference=reference)
    assert ticket.incident_id == incident.pk
    assert ticket.details["bank"] == "BRI"
    note = (
        "This is linked to a known problem: Top-ups via BRI virtual account are delayed. "
        "We will update you here and by email."
    )
    assert note in confirmation
    assert 'href="/status/"' in confirmation
    assert note in page(client, f"/tickets/{reference}/")


def test_a_ticket_of_another_bank_is_not_linked_and_says_nothing(client):
    bri_incident()
    reference, confirmation = file_bri_ticket(client, bank="BCA")
    assert Ticket.objects.get(reference=reference).incident_id is None
    assert "known problem" not in confirmation


def test_the_ticket_page_says_when_the_problem_was_fixed_in_the_customers_language(client, lead):
    incident = bri_incident(by=lead)
    reference, _html = file_bri_ticket(client)
    fixed_at = datetime(2026, 12, 3, 6, 5, tzinfo=UTC)  # 13:05 WIB
    with time_machine.travel(fixed_at, tick=False):
        job = incident_services.resolve(
            incident, by=lead, message_en="Fixed.", message_id="Sudah diperbaiki."
        )
        jobs.run(job.pk)
        assert IncidentJob.objects.get(pk=job.pk).state == IncidentJob.State.DONE
        english = page(client, f"/tickets/{reference}/", "en")
        indonesian = page(client, f"/tickets/{reference}/", "id")
    assert (
        "The known problem linked to this request was fixed today at 13:05 WIB: "
        "Top-ups via BRI virtual account are delayed." in english
    )
    assert "linked to a known problem: Top-ups" not in english
    assert (
        "Gangguan yang terkait dengan permintaan ini sudah diperbaiki hari ini pukul 13.05 WIB: "
        "Top up lewat virtual account BRI tertunda." in indonesian
    )


def test_a_ticket_unlinked_by_staff_says_nothing_more(client, lead):
    bri_incident()
    reference, _html = file_bri_ticket(client)
    incident_services.unlink([Ticket.objects.get(reference=reference)], by=lead)
    assert "known problem" not in page(client, f"/tickets/{reference}/")


def test_the_receipt_email_mentions_the_known_problem(client, settings):
    bri_incident()
    settings.SITE_URL = "https://help.example.com"
    reference, _html = file_bri_ticket(client)
    ticket = Ticket.objects.get(reference=reference)
    email = build_email(ticket.notifications.get(template="ticket_created"))
    html = email.alternatives[0][0]
    assert "linked to a known problem: Top-ups via BRI virtual account are delayed" in email.body
    assert "https://help.example.com/status/" in email.body
    assert 'href="https://help.example.com/status/"' in html


def test_the_receipt_email_of_an_unlinked_ticket_says_nothing_of_it(client):
    reference, _html = file_bri_ticket(client)
    ticket = Ticket.objects.get(reference=reference)
    email = build_email(ticket.notifications.get(template="ticket_created"))
    assert "known problem" not in email.body


def test_the_receipt_email_is_in_the_customers_language(client):
    bri_incident()
    response = client.post(
        FORM,
        as_guest(VALID["payment_failed"], payment_method="virtual_account", bank="BRI"),
        headers={"Accept-Language": "id"},
        follow=True,
    )
    ticket = Ticket.objects.get(reference=reference_in(response.content.decode()))
    email = build_email(ticket.notifications.get(template="ticket_created"))
    assert "Top up lewat virtual account BRI tertunda" in email.body


# The bank on the payment-failed form


def test_the_bank_is_stored_for_virtual_account_and_card_payments(client):
    file_bri_ticket(client, bank="Mandiri")
    assert Ticket.objects.get().details["bank"] == "Mandiri"


def test_the_bank_is_optional(client):
    reference, _html = file_bri_ticket(client, bank="")
    assert "bank" not in Ticket.objects.get(reference=reference).details


def test_the_bank_is_dropped_for_other_payment_methods():
    form = PaymentFailedForm(
        data=as_guest(VALID["payment_failed"], payment_method="qris", bank="BRI")
    )
    assert form.is_valid(), form.errors
    assert "bank" not in form.details()


def test_an_unknown_bank_is_refused(client):
    response = client.post(
        FORM, as_guest(VALID["payment_failed"], payment_method="virtual_account", bank="Bank X")
    )
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    assert 'id="id_bank_error"' in response.content.decode() or "valid choice" in (
        response.content.decode()
    )


def test_the_bank_field_shows_only_for_bank_payments():
    html = str(PaymentFailedForm()["bank"])
    assert 'data-show-when="payment_method=virtual_account,bank_card"' in html
    assert '<option value="Other bank">Other bank</option>' in html


def test_the_banner_is_not_shown_before_the_incident_starts(client):
    bri_incident(started_at=timezone.now() + timedelta(hours=1))
    assert "incident-banner" not in page(client, "/")


def test_the_pages_stylesheet_is_served(client):
    bri_incident()
    html = page(client, "/")
    assert "/static/css/portal_incidents.css" in html
    response = client.get("/static/css/portal_incidents.css")
    assert response.status_code == 200
    assert b".incident-banner" in b"".join(response.streaming_content)
