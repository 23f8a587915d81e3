import pytest

from tests.factories import TicketFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(payments):
    return [TicketFactory(queue=payments) for _ in range(3)]


def bulk(client, tickets, action, value):
    return client.post(
        "/staff/queue/bulk/",
        {
            "tickets": [t.pk for t in tickets],
            "action": action,
            "value": value,
            "next": "/staff/queue/",
        },
        follow=True,
    )


@pytest.mark.parametrize(
    ("action", "value", "check"),
    [
        ("status", "on_hold", lambda t, agent: t.status == "on_hold"),
        ("priority", "4", lambda t, agent: t.priority == 4),
        ("queue", "refunds", lambda t, agent: t.queue.slug == "refunds"),
        (
            "tag",
            "bri-delay",
            lambda t, agent: list(t.tags.values_list("name", flat=True)) == ["bri-delay"],
        ),
        ("assign", "me", lambda t, agent: t.assignee == agent),
    ],
)
def test_it_applies_an_action_to_every_selected_ticket(as_lead, lead, three, action, value, check):
    response = bulk(as_lead, three, action, value)

    assert "3 tickets updated" in response.content.decode()
    for ticket in three:
        ticket.refresh_from_db()
        assert check(ticket, lead)
        assert ticket.events.count() >= 1


def test_it_reports_which_rows_failed_and_why(as_agent, three, refunds):
    closed = three[0]
    Ticket.objects.filter(pk=closed.pk).update(status="closed")
    invisible = TicketFactory(queue=refunds)

    response = bulk(as_agent, [*three, invisible], "priority", "1")

    html = response.content.decode()
    assert "2 tickets updated" in html
    assert f"{closed.reference}: " in html
    assert "closed" in html
    assert f"#{invisible.pk}: not found in your queues" in html
    invisible.refresh_from_db()
    assert invisible.priority != 1


def test_an_agent_cannot_assign_tickets_to_someone_else_in_bulk(as_agent, three, lead):
    response = bulk(as_agent, three, "assign", str(lead.pk))

    assert "Only a lead" in response.content.decode()
    assert not Ticket.objects.filter(assignee=lead).exists()


def test_it_explains_a_wrong_value_or_an_empty_selection(as_agent, three):
    assert "No such status" in bulk(as_agent, three, "status", "done").content.decode()
    assert "Select at least one ticket" in bulk(as_agent, [], "status", "open").content.decode()
