"""Staff sign-in and who reaches what: agents their queues, nobody else anything."""

import pytest

from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

ACTIONS = [
    ("get", "/staff/tickets/{ref}/"),
    ("post", "/staff/tickets/{ref}/reply/"),
    ("post", "/staff/tickets/{ref}/claim/"),
    ("post", "/staff/tickets/{ref}/update/"),
    ("post", "/staff/tickets/{ref}/tags/"),
    ("post", "/staff/tickets/{ref}/merge/"),
    ("post", "/staff/tickets/{ref}/escalate/"),
    ("get", "/staff/tickets/{ref}/canned/1/"),
    ("post", "/staff/tickets/{ref}/presence/"),
]


def test_agents_sign_in_to_the_dashboard(client, agent):
    response = client.post(
        "/staff/login/", {"username": agent.email, "password": "correct-horse-battery"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/"


def test_customers_cannot_sign_in_to_the_workspace(client, customer):
    response = client.post(
        "/staff/login/", {"username": customer.email, "password": "correct-horse-battery"}
    )

    assert response.status_code == 200
    assert "for support staff" in response.content.decode()


@pytest.mark.parametrize("url", ["/staff/", "/staff/queue/", "/staff/tickets/GP-AAAAAA/"])
def test_everyone_else_is_sent_to_the_staff_sign_in(client, customer, url):
    assert client.get(url)["Location"].startswith("/staff/login/")
    client.force_login(customer)
    assert client.get(url)["Location"].startswith("/staff/login/")


def test_repeated_failed_sign_ins_lock_the_account_for_a_while(client, agent):
    for attempt in range(5):
        email = agent.email.upper() if attempt % 2 else agent.email
        client.post("/staff/login/", {"username": email, "password": "wrong"})

    locked = client.post(
        "/staff/login/", {"username": agent.email, "password": "correct-horse-battery"}
    )

    assert locked.status_code == 429
    assert "locked" in locked.content.decode()


@pytest.mark.parametrize(("method", "url"), ACTIONS)
def test_an_agent_of_another_queue_gets_404_everywhere(
    client, agent_of_other_queue, ticket, method, url
):
    client.force_login(agent_of_other_queue)

    response = getattr(client, method)(
        url.format(ref=ticket.reference), {"field": "priority", "value": "1"}
    )

    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.priority == 3
    assert ticket.assignee is None


def test_the_queue_lists_only_tickets_of_my_queues(as_agent, ticket, refunds):
    other = TicketFactory(queue=refunds, subject="Someone else's refund")

    html = as_agent.get("/staff/queue/").content.decode()

    assert ticket.reference in html
    assert other.reference not in html


def test_an_admin_sees_every_queue(as_admin, ticket, refunds):
    other = TicketFactory(queue=refunds)

    html = as_admin.get("/staff/queue/").content.decode()

    assert ticket.reference in html
    assert other.reference in html


def test_files_of_internal_notes_are_downloadable_by_staff(as_agent, ticket, agent):
    from tests import files
    from tickets.attachments import clean_uploads
    from tickets.services import add_agent_message

    note = add_agent_message(
        ticket=ticket,
        agent=agent,
        body="log",
        internal=True,
        attachments=clean_uploads([files.pdf()]),
    )

    response = as_agent.get(f"/staff/tickets/{ticket.reference}/files/{note.attachments.get().pk}/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
