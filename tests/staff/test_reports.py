import pytest

from tests.factories import ContactFactory, TicketFactory, make_sla_policy
from tickets import services
from tickets.services import Actor

pytestmark = pytest.mark.django_db


def test_a_lead_sees_volume_attainment_csat_deflection_and_backlog(
    as_lead, lead, payments, customer
):
    make_sla_policy(name="Payments", targets={"first_response": 60}, queues=[payments])
    answered = services.create_ticket(
        requester=customer.contact, category="payment_failed", subject="Paid twice", body="help"
    )
    services.add_agent_message(ticket=answered, agent=lead, body="Refunded")
    answered = services.change_status(ticket=answered, status="resolved", by=Actor.agent(lead))
    services.rate_ticket(ticket=answered, contact=customer.contact, score=5)
    TicketFactory(queue=payments)

    html = as_lead.get("/staff/reports/?days=7&by=queue").content.decode()

    assert 'id="report-volume"' in html
    assert "Payments" in html
    assert "100.0%" in html  # the answered ticket met its first response
    assert "Average 5.00 / 5 from 1 ratings" in html
    assert 'id="report-deflection"' in html
    assert 'id="report-backlog"' in html


@pytest.mark.parametrize("by", ["agent", "category", "priority"])
def test_it_groups_attainment(as_lead, by):
    assert as_lead.get(f"/staff/reports/?by={by}").status_code == 200


def test_an_agent_gets_a_clear_no(as_agent):
    response = as_agent.get("/staff/reports/")

    assert response.status_code == 403
    assert "for queue leads" in response.content.decode()


def test_a_lead_counts_only_their_queues(as_lead, refunds):
    TicketFactory(queue=refunds, requester=ContactFactory())

    html = as_lead.get("/staff/reports/").content.decode()

    assert 'Open now</th><td class="num">0<' in html.replace("\n", "")
