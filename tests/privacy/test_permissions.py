"""Who may see a customer, export and erase: agents see their customers only; leads export;
admins erase. The page is audited as customer_view."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from tests.factories import TicketFactory
from tickets.models import Contact

pytestmark = pytest.mark.postgres


def test_an_agent_sees_the_customer_of_a_ticket_of_their_queue(client, agent, ticket):
    client.force_login(agent)

    page = client.get(reverse("staff-customer", args=[ticket.requester_id]))

    assert page.status_code == 200
    assert ticket.reference.encode() in page.content
    assert b"export-data" not in page.content
    assert b"erase-data" not in page.content
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.CUSTOMER_VIEW)
    assert entry.customer_id == str(ticket.requester_id)


def test_the_ticket_page_links_to_the_customer(client, agent, ticket):
    client.force_login(agent)

    page = client.get(reverse("staff-ticket", args=[ticket.reference]))

    assert reverse("staff-customer", args=[ticket.requester_id]).encode() in page.content


def test_an_agent_of_another_queue_gets_404(client, agent_of_other_queue, ticket):
    client.force_login(agent_of_other_queue)

    assert client.get(reverse("staff-customer", args=[ticket.requester_id])).status_code == 404


def test_a_customer_is_sent_to_the_staff_sign_in(client, customer, ticket):
    client.force_login(customer)

    response = client.get(reverse("staff-customer", args=[ticket.requester_id]))
    assert response.status_code == 302


def test_an_agent_cannot_export_or_erase(client, agent, ticket):
    client.force_login(agent)

    assert (
        client.get(reverse("staff-customer-export", args=[ticket.requester_id])).status_code == 403
    )
    erase = client.post(
        reverse("staff-customer-erase", args=[ticket.requester_id]),
        {"reason": "x", "open_tickets": "close"},
    )
    assert erase.status_code == 403
    assert Contact.objects.get(pk=ticket.requester_id).erased_at is None


def test_a_lead_can_export_but_not_erase(client, lead, ticket):
    client.force_login(lead)

    page = client.get(reverse("staff-customer", args=[ticket.requester_id]))
    assert b"export-data" in page.content
    assert b"erase-data" not in page.content
    assert (
        client.get(reverse("staff-customer-export", args=[ticket.requester_id])).status_code == 200
    )
    erase = client.post(
        reverse("staff-customer-erase", args=[ticket.requester_id]),
        {"reason": "x", "open_tickets": "close"},
    )
    assert erase.status_code == 403


def test_an_admin_can_erase(client, admin_user, ticket):
    client.force_login(admin_user)

    page = client.get(reverse("staff-customer", args=[ticket.requester_id]))
    assert b"erase-data" in page.content
    response = client.post(
        reverse("staff-customer-erase", args=[ticket.requester_id]),
        {"reason": "Request in GP-XYZ", "open_tickets": "close"},
    )
    assert response.status_code == 302
    assert Contact.objects.get(pk=ticket.requester_id).erased_at is not None


def test_the_admin_contact_page_offers_export_and_erasure(client, admin_user, ticket):
    client.force_login(admin_user)
    changelist = reverse("admin:tickets_contact_changelist")

    page = client.get(changelist)
    assert b"export_personal_data" in page.content
    assert b"erase_personal_data" in page.content
    exported = client.post(
        changelist, {"action": "export_personal_data", "_selected_action": [ticket.requester_id]}
    )
    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/zip"
    erase = client.post(
        changelist, {"action": "erase_personal_data", "_selected_action": [ticket.requester_id]}
    )
    assert erase.url == reverse("staff-customer-erase", args=[ticket.requester_id])


def test_a_lead_sees_a_customer_with_tickets_in_several_queues(client, lead, ticket, refunds):
    TicketFactory(requester=ticket.requester, queue=refunds, category_id="refund")
    client.force_login(lead)

    page = client.get(reverse("staff-customer", args=[ticket.requester_id]))
    assert b"Showing the 1 in your queues." in page.content
