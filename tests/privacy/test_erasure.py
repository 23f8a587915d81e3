"""Erasure end to end: through the staff confirmation page, then the whole database is searched
for the customer's email, name and phone."""

import os

import pytest
from django.db import connection
from django.urls import reverse

from audit.models import AuditEntry
from privacy.erasure import email_digest
from tickets import links
from tickets.models import Attachment, Contact, Message, Notification, Ticket, User

from .conftest import PHONE

pytestmark = pytest.mark.postgres


def rows_mentioning(text: str) -> list[tuple[str, str]]:
    """Every row of every table of the test database whose text form contains `text`."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [name for (name,) in cursor.fetchall()]
        for table in tables:
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT row_text FROM (SELECT t::text AS row_text FROM {quoted} AS t) AS rows "
                "WHERE row_text ILIKE %s",
                [f"%{text}%"],
            )
            found += [(table, row[0][:200]) for row in cursor.fetchall()]
    return found


def erase(client, admin_user, contact, **data):
    client.force_login(admin_user)
    return client.post(reverse("staff-customer-erase", args=[contact.pk]), data)


def test_it_leaves_nothing_of_the_person_in_the_database(client, admin_user, person, settings):
    # given
    user, contact = person["user"], person["contact"]
    email, name = user.email, user.name
    assert rows_mentioning(email)
    assert rows_mentioning(name)
    assert rows_mentioning(PHONE)
    files = [a.file.path for a in Attachment.objects.filter(ticket__requester=contact)]

    # when
    response = erase(
        client, admin_user, contact, reason="Request in GP-REQ123", open_tickets="close"
    )

    # then
    assert response.status_code == 302
    for text in (email, name, PHONE, "Warung Siti", "ktp-siti", "siti.sister@example.org"):
        assert rows_mentioning(text) == [], text
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.ERASURE)
    assert entry.customer_id == str(contact.pk)
    assert f"email-hmac:{email_digest(email)}" in entry.detail
    assert "GP-REQ123" in entry.detail
    for path in files:
        assert not os.path.exists(path)


def test_it_keeps_the_ticket_skeletons_for_reports(client, admin_user, person):
    closed = person["closed"]
    erase(client, admin_user, person["contact"], reason="asked", open_tickets="close")

    closed.refresh_from_db()
    assert (closed.status, closed.queue_id, closed.category_id) == (
        Ticket.Status.CLOSED,
        person["closed"].queue_id,
        "payment_failed",
    )
    assert closed.subject == "[removed]"
    assert closed.details == {"amount": "45000", "registered_phone": "", "merchant": ""}
    assert closed.anonymised_at is not None
    assert Message.objects.filter(ticket=closed, body="[removed]").count() == 3
    attachment = Attachment.objects.get(ticket=closed)
    assert attachment.removed_by == "erasure"
    assert not attachment.file


def test_it_anonymises_the_contact_and_closes_the_account(client, admin_user, person):
    erase(client, admin_user, person["contact"], reason="asked", open_tickets="close")

    contact = Contact.objects.get(pk=person["contact"].pk)
    assert contact.email == f"erased-{contact.pk}@erased.invalid"
    assert (contact.name, str(contact.phone or "")) == ("", "")
    assert contact.erased_at is not None
    user = User.objects.get(pk=person["user"].pk)
    assert not user.is_active
    assert not user.has_usable_password()


def test_it_asks_what_to_do_with_open_tickets(client, admin_user, person):
    response = erase(client, admin_user, person["contact"], reason="asked")

    assert response.status_code == 400
    assert b"What should happen to it?" in response.content
    assert Contact.objects.get(pk=person["contact"].pk).erased_at is None


def test_it_closes_open_tickets_with_a_note_when_asked(client, admin_user, person):
    erase(client, admin_user, person["contact"], reason="asked", open_tickets="close")

    ticket = Ticket.objects.get(pk=person["open"].pk)
    assert ticket.status == Ticket.Status.CLOSED
    note = ticket.messages.filter(kind=Message.Kind.INTERNAL).last()
    assert "personal data was erased" in note.body
    assert ticket.idempotency_key is None


def test_it_keeps_open_tickets_open_when_asked(client, admin_user, person):
    erase(client, admin_user, person["contact"], reason="asked", open_tickets="keep_open")

    ticket = Ticket.objects.get(pk=person["open"].pk)
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.subject == "[removed]"
    assert "stays open" in ticket.messages.filter(kind=Message.Kind.INTERNAL).last().body


def test_it_cancels_emails_waiting_for_the_customer(client, admin_user, person):
    erase(client, admin_user, person["contact"], reason="asked", open_tickets="keep_open")

    waiting = Notification.objects.get(ticket=person["open"], template="agent_replied")
    assert waiting.status == Notification.Status.FAILED
    assert waiting.recipient.endswith("@erased.invalid")


def test_a_guest_link_opens_nothing_afterwards(client, admin_user, person, client_factory):
    token = links.make_token(person["closed"])
    erase(client, admin_user, person["contact"], reason="asked", open_tickets="close")

    guest = client_factory()
    response = guest.get(reverse("ticket-link", args=[token]), follow=True)
    assert b"[removed]" not in response.content
    detail = guest.get(reverse("ticket-detail", args=[person["closed"].reference]))
    assert detail.status_code in (302, 404)


def test_a_second_erasure_is_a_no_op_that_says_so(client, admin_user, person):
    erase(client, admin_user, person["contact"], reason="asked", open_tickets="close")

    response = erase(client, admin_user, person["contact"], reason="again", open_tickets="close")
    assert response.status_code == 302
    page = client.get(response.url)
    assert b"was already erased on" in page.content
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.ERASURE).count() == 1
    form = client.get(reverse("staff-customer-erase", args=[person["contact"].pk]))
    assert b"was already erased on" in form.content


def test_a_reason_is_required(client, admin_user, person):
    response = erase(client, admin_user, person["contact"], reason="  ", open_tickets="close")

    assert response.status_code == 400
    assert Contact.objects.get(pk=person["contact"].pk).erased_at is None
