import pytest

from tests.factories import TicketFactory
from tickets.models import Ticket


@pytest.fixture
def refunds_ticket(refunds, other_customer):
    return TicketFactory(queue=refunds, requester=other_customer.contact)


@pytest.mark.parametrize(
    ("persona", "sees_payments_ticket", "sees_refunds_ticket"),
    [
        ("customer", True, False),
        ("other_customer", False, True),
        ("agent", True, False),
        ("agent_of_other_queue", False, True),
        ("lead", True, False),
        ("admin_user", True, True),
    ],
)
def test_it_shows_each_role_only_what_it_may_see(
    request, ticket, refunds_ticket, persona, sees_payments_ticket, sees_refunds_ticket
):
    user = request.getfixturevalue(persona)

    visible = set(Ticket.objects.visible_to(user))

    assert (ticket in visible) is sees_payments_ticket
    assert (refunds_ticket in visible) is sees_refunds_ticket


def test_it_shows_nothing_to_anonymous_or_deactivated_users(ticket, customer):
    from django.contrib.auth.models import AnonymousUser

    assert not Ticket.objects.visible_to(AnonymousUser()).exists()
    customer.is_active = False
    assert not Ticket.objects.visible_to(customer).exists()
