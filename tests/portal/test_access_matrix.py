"""Nobody but the requester reaches a ticket, its reply endpoint or its files: all get 404."""

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser  # noqa: F401

from tests import files
from tests.factories import TicketFactory
from tickets import links
from tickets.attachments import clean_uploads
from tickets.services import add_agent_message, add_customer_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket_with_files(ticket, customer, agent):
    public = add_customer_message(
        ticket=ticket,
        contact=customer.contact,
        body="Receipt",
        attachments=clean_uploads([files.pdf()]),
    )
    note = add_agent_message(
        ticket=ticket,
        agent=agent,
        body="Bank log",
        internal=True,
        attachments=clean_uploads([files.png()]),
    )
    return ticket, public.attachments.get(), note.attachments.get()


def _urls(ticket, attachment):
    return [
        ("get", f"/tickets/{ticket.reference}/"),
        ("post", f"/tickets/{ticket.reference}/reply/"),
        ("post", f"/tickets/{ticket.reference}/solved/"),
        ("post", f"/tickets/{ticket.reference}/rate/"),
        ("get", f"/tickets/{ticket.reference}/files/{attachment.pk}/"),
    ]


def _as_other_customer(client, other_customer, ticket):
    client.force_login(other_customer)


def _as_guest_of_another_ticket(client, other_customer, ticket):
    other = TicketFactory(queue=ticket.queue)
    client.get(f"/t/{links.make_token(other)}/")


def _as_anonymous(client, other_customer, ticket):
    pass


def _with_an_expired_link(client, other_customer, ticket):
    with time_machine.travel("2026-01-01 00:00 +0000"):
        token = links.make_token(ticket)
    with time_machine.travel("2026-03-01 00:00 +0000"):
        client.get(f"/t/{token}/")


def _as_the_agent(client, other_customer, ticket):
    # Staff see tickets in the staff workspace, never as the customer in the portal.
    from django.contrib.auth.models import Group

    from tickets.models import User

    agent = User.objects.create_user("agent2@example.com", "pw")
    agent.groups.add(Group.objects.get(name="agent"))
    ticket.queue.memberships.create(user=agent)
    client.force_login(agent)


@pytest.mark.parametrize(
    "become",
    [
        _as_other_customer,
        _as_guest_of_another_ticket,
        _as_anonymous,
        _with_an_expired_link,
        _as_the_agent,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_it_answers_404_to_everyone_else(client, other_customer, ticket_with_files, become):
    ticket, public_file, _ = ticket_with_files
    become(client, other_customer, ticket)

    for method, url in _urls(ticket, public_file):
        response = getattr(client, method)(url, {"body": "hi", "score": 5})
        assert response.status_code == 404, (method, url, response.status_code)
    ticket.refresh_from_db()
    assert ticket.messages.count() == 3


def test_it_answers_404_for_a_ticket_that_does_not_exist_the_same_way(client, customer):
    client.force_login(customer)

    assert client.get("/tickets/GP-ZZZZZZ/").status_code == 404


def test_the_requester_gets_their_public_files_but_not_internal_ones(
    client, customer, ticket_with_files
):
    ticket, public_file, internal_file = ticket_with_files
    client.force_login(customer)

    response = client.get(f"/tickets/{ticket.reference}/files/{public_file.pk}/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="statement.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert client.get(f"/tickets/{ticket.reference}/files/{internal_file.pk}/").status_code == 404


def test_the_requester_never_sees_internal_notes(client, customer, ticket_with_files):
    ticket, _, internal_file = ticket_with_files
    client.force_login(customer)

    html = client.get(f"/tickets/{ticket.reference}/").content.decode()

    assert "Bank log" not in html
    assert internal_file.original_name not in html
    assert "Receipt" in html
