"""The customer's ticket page: reply, reopen window, solved, rating once per resolution."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import files
from tickets.models import Ticket
from tickets.services import Actor, add_agent_message, change_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def test_it_shows_the_thread_fields_and_status_in_plain_words(signed_in, ticket, agent):
    Ticket.objects.filter(pk=ticket.pk).update(
        details={"merchant": "Kedai", "amount": "45000", "currency": "IDR"}
    )
    add_agent_message(ticket=ticket, agent=agent, body="Which bank?", set_status="pending_customer")

    html = signed_in.get(f"/tickets/{ticket.reference}/").content.decode()

    assert "Waiting for your reply" in html
    assert "Which bank?" in html
    assert "IDR 45.000" in html
    assert "Kedai" in html


def test_a_reply_with_files_lands_in_the_thread(signed_in, ticket):
    response = signed_in.post(
        f"/tickets/{ticket.reference}/reply/",
        {"body": "Here is the receipt", "attachments": [files.png(), files.pdf()]},
        follow=True,
    )

    assert response.status_code == 200
    message = ticket.messages.latest("created_at")
    assert message.body == "Here is the receipt"
    assert message.attachments.count() == 2
    assert "screenshot.png" in response.content.decode()


def test_a_reply_with_a_wrong_file_comes_back_naming_it_and_keeping_the_text(signed_in, ticket):
    response = signed_in.post(
        f"/tickets/{ticket.reference}/reply/",
        {"body": "See attached", "attachments": [files.executable("invoice.png")]},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "invoice.png" in html
    assert "See attached" in html
    assert ticket.messages.count() == 1


def test_a_reply_reopens_within_the_window(signed_in, ticket, agent, settings):
    settings.REOPEN_WINDOW_DAYS = 7
    change_status(ticket=ticket, status="resolved", by=Actor.agent(agent))
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - timedelta(days=3))
    html = signed_in.get(f"/tickets/{ticket.reference}/").content.decode()
    assert "reply and we will open it again" in html

    signed_in.post(f"/tickets/{ticket.reference}/reply/", {"body": "Still wrong"})

    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_a_reply_after_the_window_opens_a_linked_request(signed_in, ticket, agent, settings):
    settings.REOPEN_WINDOW_DAYS = 7
    change_status(ticket=ticket, status="resolved", by=Actor.agent(agent))
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - timedelta(days=9))
    assert (
        "Replying starts a new request"
        in signed_in.get(f"/tickets/{ticket.reference}/").content.decode()
    )

    response = signed_in.post(f"/tickets/{ticket.reference}/reply/", {"body": "Again"}, follow=True)

    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert response.redirect_chain[-1][0] == f"/tickets/{follow_up.reference}/"
    assert "started a new request" in response.content.decode()


def test_the_customer_marks_it_solved(signed_in, ticket):
    response = signed_in.post(f"/tickets/{ticket.reference}/solved/", follow=True)

    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    event = ticket.events.get(kind="status")
    assert (event.actor_type, event.new_value) == ("customer", "resolved")
    assert "How did we do?" in response.content.decode()


def test_it_takes_one_rating_per_resolution(signed_in, ticket):
    signed_in.post(f"/tickets/{ticket.reference}/solved/")

    signed_in.post(f"/tickets/{ticket.reference}/rate/", {"score": "5", "comment": "Fast!"})
    second = signed_in.post(f"/tickets/{ticket.reference}/rate/", {"score": "1"}, follow=True)

    assert list(ticket.ratings.values_list("score", flat=True)) == [5]
    html = second.content.decode()
    assert "already rated" in html
    assert 'id="rating-done"' in html


def test_it_refuses_a_rating_out_of_range(signed_in, ticket):
    signed_in.post(f"/tickets/{ticket.reference}/solved/")

    response = signed_in.post(f"/tickets/{ticket.reference}/rate/", {"score": "9"})

    assert response.status_code == 400
    assert not ticket.ratings.exists()


def test_a_merged_ticket_points_to_where_the_conversation_continues(
    signed_in, ticket, customer, agent
):
    from tests.factories import TicketFactory
    from tickets.services import merge_tickets

    target = TicketFactory(requester=customer.contact, queue=ticket.queue)
    merge_tickets(source=ticket, target=target, by=Actor.agent(agent))

    html = signed_in.get(f"/tickets/{ticket.reference}/").content.decode()

    assert f'href="/tickets/{target.reference}/"' in html
    assert 'id="reply"' not in html


def test_my_requests_lists_only_mine_with_status_and_last_update(
    signed_in, ticket, other_customer, payments
):
    from tests.factories import TicketFactory

    TicketFactory(requester=other_customer.contact, queue=payments, subject="Not mine")

    html = signed_in.get("/requests/").content.decode()

    assert ticket.reference in html
    assert "Not mine" not in html
    assert "Received: we will look at it soon" in html


def test_my_requests_needs_sign_in(client):
    response = client.get("/requests/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
