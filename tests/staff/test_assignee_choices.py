"""The ticket page's assignee select: only the active agents who may take the ticket, by name;
a crafted post for anyone else is refused by the same service check as the API's."""

import re

import pytest

from tests.conftest import _staff
from tests.factories import UserFactory
from tickets import roles

from .conftest import htmx

pytestmark = pytest.mark.django_db


def assignee_options(client, ticket) -> list[str]:
    html = client.get(f"/staff/tickets/{ticket.reference}/").content.decode()
    select = re.search(r'<select name="value" id="set-assignee">(.*?)</select>', html, re.S)
    return re.findall(r">([^<]+)</option>", select.group(1))


def test_a_lead_sees_the_queues_active_agents_by_name(
    as_lead, ticket, agent, payments, agent_of_other_queue
):
    former = _staff(roles.AGENT, payments, name="Former Agent")
    former.is_active = False
    former.save(update_fields=["is_active"])
    # A member of the queue without a staff role (a customer account added by mistake).
    not_staff = UserFactory(name="Not Staff")
    payments.memberships.create(user=not_staff)

    options = assignee_options(as_lead, ticket)

    assert options == ["nobody", "Budi Agent", "Rina Lead"]


def test_an_agent_sees_only_themselves(as_agent, ticket, lead):
    assert assignee_options(as_agent, ticket) == ["nobody", "Budi Agent"]


def test_a_crafted_post_for_a_deactivated_agent_is_refused(as_lead, ticket, agent):
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    response = as_lead.post(
        f"/staff/tickets/{ticket.reference}/update/",
        {"field": "assignee", "value": str(agent.pk)},
        **htmx(),
    )

    assert response.status_code == 400
    assert "Budi Agent can no longer take tickets." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert not ticket.events.filter(kind="assignee").exists()


def test_a_crafted_post_for_an_agent_of_another_queue_names_the_queue(
    as_lead, ticket, agent_of_other_queue
):
    response = as_lead.post(
        f"/staff/tickets/{ticket.reference}/update/",
        {"field": "assignee", "value": str(agent_of_other_queue.pk)},
        **htmx(),
    )

    assert response.status_code == 400
    assert "Rudi Refunds is not a member of Payments." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None
