"""Leads see on the dashboard what the outbox could not settle by itself this week: emails sent
twice after a worker died mid-send, emails waiting to be sent again, emails that failed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import TicketFactory
from tickets.models import Notification

pytestmark = pytest.mark.django_db

Status = Notification.Status


def _email(status: str, *, resent: bool = False, days_ago: int = 0) -> Notification:
    ticket = TicketFactory()
    at = timezone.now() - timedelta(days=days_ago)
    return Notification.objects.create(
        idempotency_key=f"test-{ticket.pk}",
        template=Notification.Template.TICKET_CREATED,
        audience=Notification.Audience.CUSTOMER,
        ticket=ticket,
        recipient=ticket.requester.email,
        language="en",
        message_id=f"<{ticket.reference}.test@help.test>",
        status=status,
        unconfirmed_resent_at=at if resent else None,
        created_at=at,
    )


def test_a_lead_sees_the_weeks_emails_sent_twice_waiting_and_failed(as_lead):
    _email(Status.SENT, resent=True)
    _email(Status.UNCONFIRMED)
    _email(Status.FAILED)
    _email(Status.FAILED, days_ago=30)  # older than the week

    html = as_lead.get("/staff/").content.decode()

    section = html[html.index('id="email-delivery"') :]
    section = section[: section.index("</section>")]
    figures = [int(n) for n in re.findall(r"<dd>(\d+)</dd>", section)]
    assert figures == [1, 1, 1]  # waiting, sent twice, failed
    assert "Email to customers, last 7 days" in section


def test_an_agent_does_not_see_it(as_agent):
    _email(Status.FAILED)

    assert 'id="email-delivery"' not in as_agent.get("/staff/").content.decode()
