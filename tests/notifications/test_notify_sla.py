"""notify_sla(): the SLA sweep's way to tell agents about warnings, breaches and escalations."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications import outbox
from notifications.reactions import notify_sla
from tickets.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db

Template = Notification.Template


def test_it_writes_one_notification_per_recipient_keyed_by_the_step(agent, lead, ticket):
    due = timezone.now() + timedelta(minutes=30)

    written = notify_sla(
        ticket=ticket,
        kind="warning",
        key="sla:7:warning:80",
        recipients=[agent.pk, lead],
        metric="first_response",
        due_at=due,
        level=80,
    )

    assert [n.idempotency_key for n in written] == [
        f"sla:7:warning:80:{agent.pk}",
        f"sla:7:warning:80:{lead.pk}",
    ]
    assert {n.template for n in written} == {Template.SLA_WARNING}
    assert written[0].context == {
        "reference": ticket.reference,
        "metric": "first_response",
        "due_at": due.isoformat(),
        "level": "80",
    }


def test_it_sends_nothing_new_when_a_step_runs_again(agent, ticket):
    notify_sla(ticket=ticket, kind="breach", key="sla:7:breach", recipients=[agent.pk])

    again = notify_sla(ticket=ticket, kind="breach", key="sla:7:breach", recipients=[agent.pk])

    assert again == []
    assert ticket.notifications.count() == 1


def test_it_waits_for_business_hours_when_told_not_before(
    agent, ticket, django_capture_on_commit_callbacks
):
    opening = timezone.now() + timedelta(hours=10)

    with django_capture_on_commit_callbacks(execute=True) as published:
        (breach,) = notify_sla(
            ticket=ticket,
            kind="breach",
            key="sla:7:breach",
            recipients=[agent.pk],
            not_before=opening,
        )

    assert published == []  # nothing to publish until it is due
    assert breach.next_attempt_at == opening
    assert outbox.sweep().published == 0
    with (
        time_machine.travel(opening + timedelta(seconds=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert outbox.sweep().published == 1
    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_it_lets_agents_mute_warnings_and_breaches_but_not_escalations(agent, ticket):
    NotificationPreference.objects.create(user=agent, sla_warning=False, sla_breach=False)

    for kind in ("warning", "breach", "escalation"):
        notify_sla(ticket=ticket, kind=kind, key=f"sla:7:{kind}", recipients=[agent.pk])

    assert list(ticket.notifications.values_list("template", flat=True)) == [
        Template.SLA_ESCALATION
    ]


def test_it_skips_inactive_users(agent, ticket):
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    assert notify_sla(ticket=ticket, kind="breach", key="k", recipients=[agent.pk]) == []
