"""The export (right of access): a streamed ZIP of JSON files and the attachments' files."""

import io
import json
import time
import tracemalloc
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import ContactFactory
from tickets.models import Message, Ticket

from .conftest import FILE_BYTES, PHONE

pytestmark = pytest.mark.postgres


def download(client, user, contact):
    client.force_login(user)
    return client.get(reverse("staff-customer-export", args=[contact.pk]))


def test_it_holds_everything_about_the_customer(client, lead, person):
    # when
    response = download(client, lead, person["contact"])

    # then
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    read = lambda name: json.loads(archive.read(name))  # noqa: E731
    person_json = read("customer.json")
    assert person_json["contact"]["email"] == person["user"].email
    assert person_json["contact"]["phone"] == PHONE
    assert person_json["account"]["name"] == "Siti Customer"
    tickets = {row["reference"]: row for row in read("tickets.json")}
    assert set(tickets) == {person["closed"].reference, person["open"].reference}
    assert tickets[person["closed"].reference]["details"]["registered_phone"] == PHONE
    messages = read("messages.json")
    assert {m["kind"] for m in messages} == {"public", "internal"}  # notes are included
    assert any("genuine" in m["body"] for m in messages)
    attachments = read("attachments.json")
    assert archive.read(attachments[0]["file"]) == FILE_BYTES
    assert attachments[0]["file"].endswith("ktp-siti.png")
    assert read("ratings.json")[0]["score"] == 5
    assert {e["kind"] for e in read("events.json")} >= {"unverified_email"}
    emails = read("emails.json")
    assert {e["direction"] for e in emails} == {"sent", "received"}
    assert "anonymous" in archive.read("README.txt").decode()
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.EXPORT)
    assert (entry.customer_id, entry.actor_id) == (str(person["contact"].pk), lead.pk)


def test_a_customer_with_10000_tickets_streams_in_bounded_memory(
    client, admin_user, customer, payments
):
    # given: 10,000 tickets with a message each, by bulk_create
    started = time.monotonic()
    contact = customer.contact
    now = timezone.now()
    template = Ticket.objects.model
    tickets = Ticket.objects.bulk_create(
        [
            template(
                reference=f"GP-B{n:05d}",
                subject=f"Bulk ticket number {n} about a failed QRIS payment",
                category_id="payment_failed",
                queue=payments,
                priority=2,
                status=Ticket.Status.CLOSED,
                requester=contact,
                details={"amount": str(n * 1000)},
                created_at=now,
                last_activity_at=now,
                status_changed_at=now,
            )
            for n in range(10_000)
        ],
        batch_size=2000,
    )
    Message.objects.bulk_create(
        [
            Message(
                ticket=ticket,
                author_type=Message.Author.CUSTOMER,
                author_contact=contact,
                body="I paid 45.000 with QRIS and the merchant says nothing arrived. " * 3,
                source=Message.Source.WEB,
                created_at=now,
            )
            for ticket in tickets
        ],
        batch_size=2000,
    )
    client.force_login(admin_user)
    # A first export loads the modules and templates the request needs: not the stream's memory.
    other = ContactFactory()
    b"".join(client.get(reverse("staff-customer-export", args=[other.pk])).streaming_content)
    built = time.monotonic()

    # when: the stream is consumed piece by piece, keeping only the size
    tracemalloc.start()
    response = client.get(reverse("staff-customer-export", args=[contact.pk]))
    size = pieces = 0
    for piece in response.streaming_content:
        size += len(piece)
        pieces += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # then: many pieces, a ZIP of megabytes, and a peak far below the whole
    print(
        f"10,000 tickets: made in {built - started:.1f} s, exported in "
        f"{time.monotonic() - built:.1f} s, {size} bytes in {pieces} pieces, peak {peak} bytes"
    )
    assert response.streaming
    assert pieces > 5
    assert size > 100_000
    assert peak < 5 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
