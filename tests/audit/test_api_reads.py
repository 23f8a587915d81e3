"""API reads of customer data by staff, and by API keys acting for staff, are recorded, one row
a request; customers' and guests' reads of their own are not."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from tests.api.conftest import api_key, make_client
from tests.api.test_attachments import attach
from tests.factories import TicketFactory

from .conftest import BUDI_AT_HOME, audit_statements, entries, through_nginx

pytestmark = pytest.mark.django_db

READS = {
    "ticket list": ("/api/v1/tickets/", ""),
    "ticket": ("/api/v1/tickets/{ref}/", "{ref}"),
    "messages": ("/api/v1/tickets/{ref}/messages/", "{ref}"),
    "attachments": ("/api/v1/tickets/{ref}/attachments/", "{ref}"),
}


@pytest.mark.parametrize("read", list(READS))
def test_a_staff_read_is_recorded(read, caller, ticket, agent):
    attach(ticket)
    path, reference = READS[read]

    response = caller("agent").get(path.format(ref=ticket.reference), **through_nginx())

    assert response.status_code == 200
    [entry] = entries()
    assert entry.kind == AuditEntry.Kind.API_READ
    assert entry.actor == agent
    assert entry.detail.startswith(read)
    assert entry.ticket_reference == reference.format(ref=ticket.reference)
    assert entry.address == BUDI_AT_HOME
    assert entry.count == {"ticket list": 1, "ticket": None, "messages": 2, "attachments": 1}[read]


def test_a_staff_download_is_recorded(caller, ticket):
    file = attach(ticket)

    response = caller("lead").get(f"/api/v1/tickets/{ticket.reference}/attachments/{file.pk}/")

    assert response.status_code == 200
    [entry] = entries()
    assert entry.kind == AuditEntry.Kind.ATTACHMENT_DOWNLOAD
    assert (entry.ticket_reference, entry.attachment_id) == (ticket.reference, str(file.pk))
    assert entry.actor_role == "lead"


def test_an_api_key_read_names_the_key(ticket, lead):
    raw = api_key(lead, "read")
    client = make_client(Authorization=f"Bearer {raw}")

    response = client.get(f"/api/v1/tickets/{ticket.reference}/", **through_nginx())

    assert response.status_code == 200
    [entry] = entries()
    assert (entry.actor, entry.api_key) == (lead, raw[: len(entry.api_key)])
    assert entry.api_key.startswith("hd_")
    assert entry.address == BUDI_AT_HOME


@pytest.mark.parametrize("role", ["customer", "guest", "other_customer", "anonymous"])
@pytest.mark.parametrize("read", list(READS))
def test_customers_and_guests_are_not_recorded(role, read, caller, ticket):
    attach(ticket)
    path, _reference = READS[read]

    caller(role).get(path.format(ref=ticket.reference))

    assert entries() == []


def test_a_customer_downloading_their_file_is_not_recorded(caller, ticket):
    file = attach(ticket)

    response = caller("customer").get(f"/api/v1/tickets/{ticket.reference}/attachments/{file.pk}/")

    assert response.status_code == 200
    assert entries() == []


@pytest.mark.parametrize("tickets", [1, 30])
def test_a_list_is_one_insert_whatever_its_length(caller, payments, tickets):
    for _n in range(tickets):
        TicketFactory(queue=payments)
    client = caller("agent")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/tickets/?page_size=100")

    listed = len(response.json()["results"])
    assert listed == tickets + 1  # and the `ticket` the callers come with
    [statement] = audit_statements(queries)
    assert statement.lstrip().upper().startswith("INSERT")
    assert entries()[0].count == listed
