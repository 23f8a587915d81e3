"""The staff workspace records who opened which ticket, downloaded which file and searched for
what, from where; one row per read, however much it showed; never a customer's own reads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from tests import files
from tests.factories import TicketFactory
from tests.staff.conftest import htmx
from tickets import links
from tickets.attachments import clean_uploads
from tickets.services import add_agent_message, add_customer_message

from .conftest import BROWSER, BUDI_AT_HOME, audit_statements, entries, through_nginx

pytestmark = pytest.mark.django_db


def page(ticket) -> str:
    return f"/staff/tickets/{ticket.reference}/"


def test_it_records_who_opened_which_ticket_from_where(client, agent, ticket, customer):
    client.force_login(agent)

    response = client.get(page(ticket), **through_nginx())

    assert response.status_code == 200
    [entry] = entries()
    assert entry.kind == AuditEntry.Kind.TICKET_VIEW
    assert (entry.actor, entry.actor_email, entry.actor_role) == (agent, agent.email, "agent")
    assert entry.ticket_reference == ticket.reference
    assert entry.customer_id == str(customer.contact.pk)
    assert entry.address == BUDI_AT_HOME  # not nginx's
    assert entry.user_agent == BROWSER
    assert entry.at is not None


def test_the_open_page_redrawing_itself_is_not_another_read(client, agent, ticket):
    client.force_login(agent)
    client.get(page(ticket))

    client.post(page(ticket) + "presence/", {"state": "viewing"}, **htmx())
    client.post(page(ticket) + "claim/", **htmx())

    assert [entry.kind for entry in entries()] == ["ticket_view"]


def test_a_ticket_the_agent_may_not_see_records_nothing(client, agent_of_other_queue, ticket):
    client.force_login(agent_of_other_queue)

    assert client.get(page(ticket)).status_code == 404
    assert entries() == []


def test_it_records_a_download(client, agent, ticket):
    note = add_agent_message(
        ticket=ticket,
        agent=agent,
        body="bank log",
        internal=True,
        attachments=clean_uploads([files.pdf()]),
    )
    file = note.attachments.get()
    client.force_login(agent)

    response = client.get(f"{page(ticket)}files/{file.pk}/", **through_nginx())

    assert response.status_code == 200
    [entry] = entries()
    assert entry.kind == AuditEntry.Kind.ATTACHMENT_DOWNLOAD
    assert (entry.ticket_reference, entry.attachment_id) == (ticket.reference, str(file.pk))
    assert entry.customer_id == str(ticket.requester_id)
    assert entry.address == BUDI_AT_HOME


@pytest.mark.parametrize("matches", [2, 40])
def test_a_search_is_one_row_and_one_insert_whatever_it_finds(client, agent, payments, matches):
    for n in range(matches):
        TicketFactory(queue=payments, subject=f"QRIS payment failed {n}")
    client.force_login(agent)
    client.get("/staff/queue/")  # warm the session

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/staff/queue/?q=QRIS&view=all", **through_nginx())

    assert response.status_code == 200
    [entry] = entries()
    assert entry.kind == AuditEntry.Kind.SEARCH
    assert entry.count == min(matches, 25)
    assert entry.detail == "q=QRIS in my queues"
    assert entry.address == BUDI_AT_HOME
    [statement] = audit_statements(queries)
    assert statement.lstrip().upper().startswith("INSERT")


def test_filters_without_words_are_no_search(client, agent, payments):
    TicketFactory(queue=payments)
    client.force_login(agent)

    client.get("/staff/queue/?status=open&priority=3&assignee=nobody")
    client.get("/staff/queue/")

    assert entries() == []


def test_the_results_refreshing_themselves_are_not_a_new_search(client, agent, payments):
    TicketFactory(queue=payments, subject="QRIS")
    client.force_login(agent)

    client.get("/staff/queue/?q=QRIS", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-rows")

    assert entries() == []


@pytest.mark.parametrize(
    ("words", "secret"),
    [
        ("4111 1111 1111 1111", "4111 1111 1111"),
        ("kartu 4111-1111-1111-1111 gagal", "4111-1111-1111"),
        ("kode OTP 482913 tidak masuk", "482913"),
        ("PIN saya 123456", "123456"),
    ],
)
def test_a_card_number_or_a_code_searched_for_is_not_kept(client, agent, words, secret):
    client.force_login(agent)

    client.get("/staff/queue/", {"q": words, "view": "all"})

    [entry] = entries()
    assert secret not in entry.detail
    assert secret.replace(" ", "").replace("-", "") not in entry.detail.replace(" ", "")


def test_customers_and_guests_reading_their_own_tickets_record_nothing(
    client, client_factory, customer, ticket
):
    message = add_customer_message(
        ticket=ticket,
        contact=customer.contact,
        body="receipt",
        attachments=clean_uploads([files.pdf()]),
    )
    file = message.attachments.get()
    client.force_login(customer)
    guest = client_factory()
    guest.get(f"/t/{links.make_token(ticket)}/")

    for browser in (client, guest):
        assert browser.get(f"/tickets/{ticket.reference}/").status_code == 200
        assert browser.get(f"/tickets/{ticket.reference}/files/{file.pk}/").status_code == 200

    assert entries() == []
