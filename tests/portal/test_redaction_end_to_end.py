"""A submission with a card number and an OTP: neither reaches the database, logs or email."""

import logging
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from tests.portal.conftest import VALID, as_guest
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

CARD, OTP = "4111 1111 1111 1111", "482913"


def test_it_keeps_card_numbers_and_otps_out_of_the_database_logs_and_email(client, caplog):
    caplog.set_level(logging.DEBUG)
    data = as_guest(
        VALID["payment_failed"],
        subject=f"Kartu {CARD} ditolak",
        description=f"Saya masukkan kode OTP saya {OTP} lalu gagal. Kartu 4111-1111-1111-1111.",
        merchant=f"Toko (OTP {OTP})",
    )

    response = client.post("/tickets/new/payment_failed/", data, follow=True)

    assert response.status_code == 200
    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    everything_stored = dump.getvalue()
    everything_logged = caplog.text
    everything_emailed = "".join(
        f"{m.subject}\n{m.body}\n" + "".join(str(a[0]) for a in getattr(m, "alternatives", []))
        for m in mail.outbox
    )
    for secret in (CARD, CARD.replace(" ", ""), "4111-1111-1111-1111", OTP):
        assert secret not in everything_stored
        assert secret not in everything_logged
        assert secret not in everything_emailed
    assert "ticket GP-" in everything_logged  # the log was captured, and says what it may


def test_it_tells_the_customer_what_kind_of_thing_was_removed(client):
    data = as_guest(VALID["payment_failed"], description=f"OTP {OTP}, kartu {CARD}")

    html = client.post("/tickets/new/payment_failed/", data, follow=True).content.decode()

    assert 'id="redaction-notice"' in html
    assert "a card number and a one-time code (OTP)" in html
    ticket = Ticket.objects.get()
    assert sorted(ticket.events.filter(kind="redacted").values_list("new_value", flat=True)) == [
        "card",
        "otp",
    ]


def test_it_says_nothing_was_removed_when_nothing_was(client):
    html = client.post(
        "/tickets/new/payment_failed/", as_guest(VALID["payment_failed"]), follow=True
    ).content.decode()

    assert 'id="redaction-notice"' not in html


def test_the_log_filter_redacts_whatever_code_logs_by_mistake():
    from helpdesk.logging import RedactingFilter

    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "bad input %s", (f"OTP {OTP}",), None
    )

    RedactingFilter().filter(record)

    assert OTP not in record.getMessage()
