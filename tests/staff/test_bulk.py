"""Bulk actions on the queue page: selects with human labels, one reason per refused row."""

import pytest

from tests.conftest import _staff
from tests.factories import TicketFactory, UserFactory
from tickets import roles
from tickets.events import version_of
from tickets.models import QueueMembership, Ticket
from tickets.services import Actor, change_priority

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(payments):
    return [TicketFactory(queue=payments) for _ in range(3)]


def bulk(client, tickets, action, *, versions=None, **values):
    """The form as the page posts it without JavaScript: every value control is sent, the
    chosen action decides which one counts."""
    data = {
        "tickets": [t.pk for t in tickets],
        "action": action,
        "status": "open",
        "priority": "2",
        "assignee": "me",
        "queue": "payments",
        "tag": "",
        "next": "/staff/queue/",
        **values,
    }
    for ticket_id, version in (versions or {}).items():
        data[f"version_{ticket_id}"] = version
    return client.post("/staff/queue/bulk/", data, follow=True)


def test_the_queue_page_offers_human_labels_and_names(as_lead, lead, agent, three):
    html = as_lead.get("/staff/queue/").content.decode()

    assert '<select name="action" id="bulk-action">' in html
    assert '<option value="3">High</option>' in html
    assert '<option value="pending_customer">Waiting for customer</option>' in html
    assert '<option value="refunds">Refunds</option>' in html
    assert f'<option value="{agent.pk}">Budi Agent</option>' in html
    assert '<option value="nobody">nobody</option>' in html
    assert 'id="bulk-value"' not in html
    assert f'name="version_{three[0].pk}"' in html


def test_an_agent_is_offered_only_me_and_nobody(as_agent, lead, three):
    html = as_agent.get("/staff/queue/").content.decode()

    assert 'id="bulk-assignee"' in html
    assert "Rina Lead" not in html


@pytest.mark.parametrize(
    ("action", "values", "check"),
    [
        ("status", {"status": "on_hold"}, lambda t, lead: t.status == "on_hold"),
        ("priority", {"priority": "4"}, lambda t, lead: t.priority == 4),
        ("queue", {"queue": "refunds"}, lambda t, lead: t.queue.slug == "refunds"),
        (
            "add_tag",
            {"tag": "BRI delay"},
            lambda t, lead: list(t.tags.values_list("name", flat=True)) == ["bri-delay"],
        ),
        ("assign", {"assignee": "me"}, lambda t, lead: t.assignee == lead),
    ],
)
def test_it_applies_every_action_to_every_selected_ticket(
    as_lead, lead, three, action, values, check
):
    response = bulk(as_lead, three, action, **values)

    assert "3 tickets updated" in response.content.decode()
    for ticket in three:
        ticket.refresh_from_db()
        assert check(ticket, lead)
        assert ticket.events.count() >= 1


def test_it_removes_a_tag(as_agent, three):
    bulk(as_agent, three, "add_tag", tag="refund-sent")
    bulk(as_agent, three[:2], "add_tag", tag="vip")

    response = bulk(as_agent, three, "remove_tag", tag="refund-sent")

    assert "3 tickets updated" in response.content.decode()
    assert [list(t.tags.values_list("name", flat=True)) for t in three] == [["vip"], ["vip"], []]


def test_a_lead_assigns_to_an_agent_by_name_and_nobody(as_lead, agent, three):
    bulk(as_lead, three, "assign", assignee=str(agent.pk))
    assert Ticket.objects.filter(assignee=agent).count() == 3

    bulk(as_lead, three[:1], "assign", assignee="nobody")
    assert Ticket.objects.filter(assignee=agent).count() == 2


def test_the_priority_is_chosen_by_its_label_and_words_are_refused(as_agent, three):
    html = bulk(as_agent, three, "priority", priority="Urgent").content.decode()

    assert "No such priority" in html
    assert not Ticket.objects.filter(priority=4, pk__in=[t.pk for t in three]).exists()


def test_it_reports_which_rows_failed_and_why(as_agent, three, refunds):
    closed = three[0]
    Ticket.objects.filter(pk=closed.pk).update(status="closed")
    invisible = TicketFactory(queue=refunds)

    response = bulk(as_agent, [*three, invisible], "priority", priority="1")

    html = response.content.decode()
    assert "2 tickets updated" in html
    assert f"{closed.reference}: Ticket {closed.reference} is closed." in html
    assert f"#{invisible.pk}: not found in your queues" in html
    invisible.refresh_from_db()
    assert invisible.priority != 1


def test_a_row_changed_since_the_page_was_loaded_is_left_alone(as_agent, agent, three):
    versions = {t.pk: version_of(t) for t in three}
    stale = three[1]
    change_priority(ticket=stale, priority=4, by=Actor.agent(agent))

    response = bulk(as_agent, three, "priority", priority="1", versions=versions)

    html = response.content.decode()
    assert "2 tickets updated" in html
    assert f"{stale.reference}: changed by someone else since you loaded the page" in html
    stale.refresh_from_db()
    assert stale.priority == 4
    assert {t.priority for t in Ticket.objects.exclude(pk=stale.pk)} == {1}


def test_an_agent_cannot_assign_tickets_to_someone_else_in_bulk(as_agent, three, lead):
    response = bulk(as_agent, three, "assign", assignee=str(lead.pk))

    assert "Only a lead" in response.content.decode()
    assert not Ticket.objects.filter(assignee=lead).exists()


def test_a_deactivated_agent_is_refused_on_every_row(as_lead, agent, three):
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    html = bulk(as_lead, three, "assign", assignee=str(agent.pk)).content.decode()

    for ticket in three:
        assert f"{ticket.reference}: Budi Agent can no longer take tickets." in html
    assert not Ticket.objects.filter(assignee=agent).exists()
    assert "Budi Agent</option>" not in as_lead.get("/staff/queue/").content.decode()


def test_an_agent_outside_the_tickets_queue_is_refused_with_the_queue_named(
    client, payments, refunds, agent, agent_of_other_queue
):
    # A lead of both queues: Budi is in payments only, Rudi in refunds only.
    lead = _staff(roles.LEAD, payments, lead=True, name="Lia Lead")
    QueueMembership.objects.create(queue=refunds, user=lead, is_lead=True)
    in_payments = TicketFactory(queue=payments)
    in_refunds = TicketFactory(queue=refunds)
    client.force_login(lead)

    html = bulk(
        client, [in_payments, in_refunds], "assign", assignee=str(agent.pk)
    ).content.decode()

    assert "1 tickets updated" in html
    assert f"{in_refunds.reference}: Budi Agent is not a member of Refunds." in html
    in_refunds.refresh_from_db()
    assert in_refunds.assignee is None
    assert Ticket.objects.get(pk=in_payments.pk).assignee == agent


def test_a_customer_account_is_no_agent(as_lead, three):
    customer = UserFactory(name="Not Staff")

    html = bulk(as_lead, three, "assign", assignee=str(customer.pk)).content.decode()

    assert "No such agent" in html
    assert not Ticket.objects.filter(assignee=customer).exists()


def test_it_explains_a_wrong_value_or_an_empty_selection(as_agent, three):
    assert "No such status" in bulk(as_agent, three, "status", status="done").content.decode()
    assert "No such queue" in bulk(as_agent, three, "queue", queue="nowhere").content.decode()
    assert "Choose what to set" in bulk(as_agent, three, "add_tag", tag="  ").content.decode()
    assert "Select at least one ticket" in bulk(as_agent, [], "status").content.decode()


def test_script_in_a_tag_is_stored_as_a_plain_slug(as_agent, three):
    html = bulk(as_agent, three, "add_tag", tag="<script>alert(1)</script>").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert set(three[0].tags.values_list("name", flat=True)) == {"scriptalert1script"}
