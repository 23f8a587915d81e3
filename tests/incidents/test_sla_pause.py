"""SLA timers of tickets linked to an open incident stand still when their policy says so
(SLAPolicy.pause_during_incidents, sla/engine.py reconcile_pauses): nobody is late because a
bank is down. On a frozen clock."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from incidents import jobs
from incidents import services as incident_services
from sla import engine
from sla.sweep import sweep
from tests.factories import make_sla_policy
from tickets import services
from tickets.events import Actor
from tickets.models import SLATimer, Ticket, TicketEvent

from .core import declare, lead_of_every_queue, new_ticket

pytestmark = pytest.mark.django_db

FR, RES = "first_response", "resolution"
START = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def lead(db):
    """Here a lead of every queue: incidents over any category are theirs to declare."""
    return lead_of_every_queue()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def policy(db):
    """24/7: first response within an hour, resolution within eight; pauses during incidents."""
    policy = make_sla_policy(name="Payments 24/7", targets={FR: 60, RES: 480})
    assert policy.pause_during_incidents  # the default
    return policy


def timers(ticket) -> dict[str, SLATimer]:
    return {t.metric: t for t in SLATimer.objects.active().filter(ticket=ticket)}


def statuses(ticket) -> dict[str, str]:
    return {metric: timer.status for metric, timer in timers(ticket).items()}


def due(ticket):
    return Ticket.objects.values_list("sla_due_at", flat=True).get(pk=ticket.pk)


def test_a_ticket_linked_at_creation_starts_with_its_timers_paused(clock, policy, lead):
    declare(lead, payment_methods=["virtual_account"])

    ticket = new_ticket(payment_method="virtual_account")

    assert ticket.incident_id is not None
    assert statuses(ticket) == {FR: "paused", RES: "paused"}
    assert due(ticket) is None
    for timer in timers(ticket).values():
        assert timer.paused_at == timezone.now()
        assert timer.elapsed_seconds == 0
        assert timer.next_warning_at is None
    # an unlinked ticket next to it runs as usual
    other = new_ticket(payment_method="qris")
    assert statuses(other) == {FR: "running", RES: "running"}
    assert due(other) == timezone.now() + timedelta(minutes=60)


def test_linking_by_hand_pauses_and_unlinking_resumes_with_the_time_left(clock, policy, lead):
    incident = declare(lead, categories=[])
    ticket = new_ticket("payment_failed", payment_method="qris")
    clock.shift(timedelta(minutes=10))

    incident_services.link([ticket], incident, by=lead)

    assert statuses(ticket) == {FR: "paused", RES: "paused"}
    assert timers(ticket)[FR].elapsed_seconds == 600
    assert due(ticket) is None

    clock.shift(timedelta(hours=3))
    incident_services.unlink([ticket], by=lead)

    assert statuses(ticket) == {FR: "running", RES: "running"}
    first = timers(ticket)[FR]
    assert first.paused_seconds == 3 * 3600
    # 50 minutes of the hour were left when it paused
    assert first.due_at == timezone.now() + timedelta(minutes=50)
    assert due(ticket) == first.due_at


def test_resolving_the_incident_resumes_the_timers_through_its_job(clock, policy, lead):
    incident = declare(lead, payment_methods=["virtual_account"])
    ticket = new_ticket(payment_method="virtual_account")
    clock.shift(timedelta(hours=2))

    job = incident_services.resolve(
        incident, by=lead, outcome="leave", notify_customers=False, message_en="Fixed."
    )
    # not before its job reaches the ticket
    assert statuses(ticket) == {FR: "paused", RES: "paused"}
    jobs.run(job.pk)

    assert Ticket.objects.get(pk=ticket.pk).status == "new"
    assert statuses(ticket) == {FR: "running", RES: "running"}
    assert timers(ticket)[FR].due_at == timezone.now() + timedelta(minutes=60)
    assert timers(ticket)[RES].paused_seconds == 2 * 3600
    assert due(ticket) == timezone.now() + timedelta(minutes=60)


def test_resolving_with_a_reply_meets_first_response_and_resumes_resolution(clock, policy, lead):
    incident = declare(lead, payment_methods=["virtual_account"])
    ticket = new_ticket(payment_method="virtual_account")
    clock.shift(timedelta(hours=2))

    jobs.run(incident_services.resolve(incident, by=lead, outcome="leave", message_en="OK.").pk)

    assert statuses(ticket) == {RES: "running"}
    met = SLATimer.objects.get(ticket=ticket, metric=FR)
    assert met.status == "met"  # not breached: the two hours did not count
    assert met.breached_at is None


def test_pending_customer_still_pauses_only_resolution(clock, policy, agent):
    ticket = new_ticket(payment_method="qris")

    services.change_status(ticket=ticket, status="pending_customer", by=Actor.agent(agent))

    assert statuses(ticket) == {FR: "running", RES: "paused"}
    services.change_status(ticket=ticket, status="open", by=Actor.agent(agent))
    assert statuses(ticket) == {FR: "running", RES: "running"}


def test_a_linked_ticket_waiting_for_the_customer_keeps_resolution_paused_after(
    clock, policy, lead, agent
):
    incident = declare(lead, payment_methods=["virtual_account"])
    ticket = new_ticket(payment_method="virtual_account")
    services.change_status(ticket=ticket, status="pending_customer", by=Actor.agent(agent))
    assert statuses(ticket) == {FR: "paused", RES: "paused"}
    # back to open while the incident is on: still paused by the incident
    services.change_status(ticket=ticket, status="open", by=Actor.agent(agent))
    assert statuses(ticket) == {FR: "paused", RES: "paused"}
    services.change_status(ticket=ticket, status="pending_customer", by=Actor.agent(agent))

    jobs.run(
        incident_services.resolve(
            incident, by=lead, outcome="leave", notify_customers=False, message_en="Fixed."
        ).pk
    )

    assert statuses(ticket) == {FR: "running", RES: "paused"}


def test_resolving_to_waiting_for_the_customer_pauses_only_resolution(clock, policy, lead):
    incident = declare(lead, payment_methods=["virtual_account"])
    ticket = new_ticket(payment_method="virtual_account")

    jobs.run(
        incident_services.resolve(
            incident, by=lead, outcome="pending_customer", notify_customers=False, message_en="x"
        ).pk
    )

    assert Ticket.objects.get(pk=ticket.pk).status == "pending_customer"
    assert statuses(ticket) == {FR: "running", RES: "paused"}


def test_with_the_policy_option_off_nothing_pauses(clock, policy, lead):
    policy.pause_during_incidents = False
    policy.save()
    incident = declare(lead, payment_methods=["virtual_account"])

    linked = new_ticket(payment_method="virtual_account")
    by_hand = new_ticket(payment_method="qris")
    incident_services.link([by_hand], incident, by=lead)

    assert linked.incident_id == incident.pk
    assert statuses(linked) == {FR: "running", RES: "running"}
    assert statuses(by_hand) == {FR: "running", RES: "running"}
    assert due(linked) == timezone.now() + timedelta(minutes=60)


def test_turning_the_option_off_resumes_paused_timers(clock, policy, lead):
    declare(lead, payment_methods=["virtual_account"])
    ticket = new_ticket(payment_method="virtual_account")
    assert statuses(ticket) == {FR: "paused", RES: "paused"}
    clock.shift(timedelta(minutes=30))

    policy.pause_during_incidents = False
    policy.save()
    engine.recompute_policy(policy.pk)

    assert statuses(ticket) == {FR: "running", RES: "running"}
    assert due(ticket) == timezone.now() + timedelta(minutes=60)


def test_the_sweep_never_breaches_a_paused_timer(clock, policy, lead):
    incident = declare(lead, payment_methods=["virtual_account"])
    ticket = new_ticket(payment_method="virtual_account")
    unlinked = new_ticket(payment_method="qris")

    clock.shift(timedelta(hours=10))
    result = sweep()

    assert result.breached == 2  # the unlinked ticket's two timers
    assert statuses(ticket) == {FR: "paused", RES: "paused"}
    assert not ticket.events.filter(kind=TicketEvent.Kind.SLA).exists()
    assert unlinked.events.filter(kind=TicketEvent.Kind.SLA, new_value="breached").count() == 2

    # resumed, the hour starts counting again from what was left
    jobs.run(
        incident_services.resolve(
            incident, by=lead, outcome="leave", notify_customers=False, message_en="Fixed."
        ).pk
    )
    clock.shift(timedelta(minutes=59))
    assert sweep().breached == 0
    clock.shift(timedelta(minutes=2))
    assert sweep().breached == 1
    assert statuses(ticket) == {FR: "breached_running", RES: "running"}
