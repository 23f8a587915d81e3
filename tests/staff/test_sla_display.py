"""The staff workspace shows each running SLA deadline, coloured, and sorts by the next one."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import ContactFactory, make_sla_policy
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket_under_policy(payments):
    make_sla_policy(
        name="Payments 24/7",
        targets={"first_response": 30, "resolution": 240},
        warn_at_percent=50,
        queues=[payments],
    )
    return services.create_ticket(
        requester=ContactFactory(), category="payment_failed", subject="QRIS failed", body="help"
    )


def test_the_ticket_page_shows_each_running_deadline(as_agent, ticket_under_policy):
    html = as_agent.get(f"/staff/tickets/{ticket_under_policy.reference}/").content.decode()

    assert 'id="sla-deadlines"' in html
    assert "First response: 30 min left" in html or "First response: 29 min left" in html
    assert "Resolution: 4 h 0 min left" in html or "Resolution: 3 h 59 min left" in html


def test_queue_rows_take_the_colour_of_their_most_urgent_deadline(as_agent, ticket_under_policy):
    html = as_agent.get("/staff/queue/").content.decode()
    assert "queue-row sla-green" in html

    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        amber = as_agent.get("/staff/queue/").content.decode()
    assert "queue-row sla-amber" in amber

    with time_machine.travel(timezone.now() + timedelta(minutes=45)):
        red = as_agent.get("/staff/queue/").content.decode()
    assert "queue-row sla-red" in red
    assert "First response: overdue by 15 min" in red or "First response: overdue by 14 min" in red


def test_an_agent_reply_stops_first_response_and_the_page_shows_the_rest(
    as_agent, agent, ticket_under_policy
):
    services.add_agent_message(ticket=ticket_under_policy, agent=agent, body="On it")

    html = as_agent.get(f"/staff/tickets/{ticket_under_policy.reference}/").content.decode()

    assert "First response" not in html.split('id="sla-deadlines"')[1].split("</ul>")[0]
    assert "Resolution" in html


def test_the_dashboard_counts_tickets_breaching_soon(as_agent, ticket_under_policy):
    with time_machine.travel(timezone.now() + timedelta(minutes=40)):
        html = as_agent.get("/staff/").content.decode()

    assert 'id="breaching-soon"' in html
    assert ticket_under_policy.reference in html
