import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from tests.factories import TicketFactory
from tickets.access import Viewer, get_ticket_for
from tickets.services import Actor, merge_tickets


def guest(*tickets) -> Viewer:
    return Viewer(AnonymousUser(), {t.pk: t.requester_id for t in tickets})


def test_it_opens_a_ticket_for_the_guest_holding_its_link(ticket):
    assert get_ticket_for(guest(ticket), ticket.reference.lower()) == ticket


def test_it_answers_404_to_a_guest_holding_another_tickets_link(ticket, payments):
    other = TicketFactory(queue=payments)

    with pytest.raises(Http404):
        get_ticket_for(guest(other), ticket.reference)


def test_it_does_not_open_other_tickets_of_the_same_email_with_one_link(ticket, customer, payments):
    sibling = TicketFactory(requester=customer.contact, queue=payments)

    with pytest.raises(Http404):
        get_ticket_for(guest(ticket), sibling.reference)


def test_it_follows_a_guest_to_the_ticket_theirs_was_merged_into(ticket, customer, payments, agent):
    target = TicketFactory(requester=customer.contact, queue=payments)
    merge_tickets(source=ticket, target=target, by=Actor.agent(agent))

    assert get_ticket_for(guest(ticket), target.reference) == target


@pytest.mark.parametrize("persona", ["other_customer", "agent_of_other_queue"])
def test_it_answers_404_to_users_who_may_not_see_it(request, ticket, persona):
    with pytest.raises(Http404):
        get_ticket_for(Viewer(request.getfixturevalue(persona)), ticket.reference)


def test_it_answers_404_for_a_reference_that_does_not_exist(customer):
    with pytest.raises(Http404):
        get_ticket_for(Viewer(customer), "GP-ZZZZZZ")
