"""Every row of the metric table (docs/design.md section 6, sla/engine.py), driven through the
real services: each case is a list of steps after create_ticket and the timers it must leave."""

from datetime import timedelta

import pytest

from tests.factories import ContactFactory, make_sla_policy
from tickets import services
from tickets.models import Category, Queue, SLATimer, Ticket
from tickets.services import Actor

FR, NR, RES = "first_response", "next_response", "resolution"


@pytest.fixture
def policies(db, refunds):
    """Ordered: urgent tickets, then refund topics, then the refunds queue, then everything."""
    return {
        "urgent": make_sla_policy(
            name="Urgent", position=1, priorities=[4], targets={FR: 15, NR: 30, RES: 120}
        ),
        "refund": make_sla_policy(
            name="Refund topic",
            position=2,
            categories=["refund"],
            targets={FR: 45, NR: 90, RES: 360},
        ),
        "refunds queue": make_sla_policy(
            name="Refunds queue", position=3, queues=[refunds], targets={FR: 50, NR: 100, RES: 400}
        ),
        "general": make_sla_policy(name="General", position=4, targets={FR: 60, NR: 120, RES: 480}),
    }


class World:
    def __init__(self, agent, traveller):
        self.agent = agent
        self.by = Actor.agent(agent)
        self.traveller = traveller
        self.requester = ContactFactory()
        self.ticket = services.create_ticket(
            requester=self.requester,
            category="payment_failed",
            subject="QRIS payment failed",
            body="The merchant did not get it.",
        )

    def later(self) -> None:
        self.traveller.shift(timedelta(minutes=5))
        self.ticket.refresh_from_db()


def reply(w: World, **kwargs) -> None:
    services.add_agent_message(ticket=w.ticket, agent=w.agent, body="Checking.", **kwargs)


def reply_and_wait(w: World) -> None:
    reply(w, set_status="pending_customer")


def note(w: World) -> None:
    services.add_agent_message(ticket=w.ticket, agent=w.agent, body="Bank asked.", internal=True)


def customer(w: World) -> None:
    services.add_customer_message(ticket=w.ticket, contact=w.requester, body="Any news?")


def status(code: str):
    def step(w: World) -> None:
        services.change_status(ticket=w.ticket, status=code, by=w.by)

    step.__name__ = code
    return step


def priority(w: World) -> None:
    services.change_priority(ticket=w.ticket, priority=Ticket.Priority.URGENT, by=w.by)


def category(w: World) -> None:
    services.change_category(ticket=w.ticket, category=Category.objects.get(code="refund"), by=w.by)


def queue(w: World) -> None:
    services.move_to_queue(ticket=w.ticket, queue=Queue.objects.get(slug="refunds"), by=w.by)


def merge(w: World) -> None:
    target = services.create_ticket(
        requester=w.requester, category="payment_failed", subject="Again", body="Same problem."
    )
    services.merge_tickets(source=w.ticket, target=target, by=w.by)


ROWS = [
    # (case, steps, {(metric, cycle): status}, {metric: target minutes of the active timer})
    (
        "created: first response and resolution start",
        [],
        {(FR, 1): "running", (RES, 1): "running"},
        {FR: 60, RES: 480},
    ),
    ("public agent reply: first response met", [reply], {(FR, 1): "met", (RES, 1): "running"}, {}),
    ("internal note: nothing", [note], {(FR, 1): "running", (RES, 1): "running"}, {}),
    (
        "customer message before any reply: no next response",
        [customer],
        {(FR, 1): "running", (RES, 1): "running"},
        {},
    ),
    (
        "customer message after a reply: next response starts",
        [reply, customer],
        {(FR, 1): "met", (NR, 1): "running", (RES, 1): "running"},
        {NR: 120},
    ),
    (
        "more customer messages: the same next response runs on",
        [reply, customer, customer],
        {(FR, 1): "met", (NR, 1): "running", (RES, 1): "running"},
        {},
    ),
    (
        "next public reply: next response met",
        [reply, customer, reply],
        {(FR, 1): "met", (NR, 1): "met", (RES, 1): "running"},
        {},
    ),
    (
        "a second round: next response cycle 2",
        [reply, customer, reply, customer],
        {(FR, 1): "met", (NR, 1): "met", (NR, 2): "running", (RES, 1): "running"},
        {},
    ),
    (
        "waiting for the customer: resolution pauses",
        [reply_and_wait],
        {(FR, 1): "met", (RES, 1): "paused"},
        {},
    ),
    (
        "on hold: resolution pauses, first response does not",
        [status("on_hold")],
        {(FR, 1): "running", (RES, 1): "paused"},
        {},
    ),
    (
        "customer answers: resolution resumes, next response starts",
        [reply_and_wait, customer],
        {(FR, 1): "met", (NR, 1): "running", (RES, 1): "running"},
        {},
    ),
    (
        "back to open from on hold: resolution resumes",
        [status("on_hold"), status("open")],
        {(FR, 1): "running", (RES, 1): "running"},
        {},
    ),
    (
        "resolved: resolution met, the customer's next response cancelled",
        [reply, customer, status("resolved")],
        {(FR, 1): "met", (NR, 1): "cancelled", (RES, 1): "met"},
        {},
    ),
    (
        "resolved without a reply: first response cancelled",
        [status("resolved")],
        {(FR, 1): "cancelled", (RES, 1): "met"},
        {},
    ),
    (
        "reopened by the customer: resolution cycle 2, next response",
        [reply, status("resolved"), customer],
        {(FR, 1): "met", (NR, 1): "running", (RES, 1): "met", (RES, 2): "running"},
        {},
    ),
    (
        "closed: nothing runs",
        [reply, status("resolved"), status("closed")],
        {(FR, 1): "met", (RES, 1): "met"},
        {},
    ),
    (
        "priority change: re-evaluated",
        [priority],
        {(FR, 1): "running", (RES, 1): "running"},
        {FR: 15, RES: 120},
    ),
    (
        "category change: re-evaluated",
        [category],
        {(FR, 1): "running", (RES, 1): "running"},
        {FR: 45, RES: 360},
    ),
    (
        "queue move: re-evaluated",
        [queue],
        {(FR, 1): "running", (RES, 1): "running"},
        {FR: 50, RES: 400},
    ),
    (
        "queue move after the reply: first response never restarts",
        [reply, queue],
        {(FR, 1): "met", (RES, 1): "running"},
        {RES: 400},
    ),
    (
        "merged away: everything cancelled",
        [merge],
        {(FR, 1): "cancelled", (RES, 1): "cancelled"},
        {},
    ),
]


@pytest.mark.parametrize(("case", "steps", "expected", "targets"), ROWS, ids=[r[0] for r in ROWS])
def test_it_follows_the_metric_table(policies, agent, frozen_time, case, steps, expected, targets):
    world = World(agent, frozen_time)

    for step in steps:
        world.later()
        step(world)

    timers = SLATimer.objects.filter(ticket=world.ticket)
    assert {(t.metric, t.cycle): t.status for t in timers} == expected
    assert {t.metric: t.target_minutes for t in timers.active() if t.metric in targets} == targets


def test_it_keeps_at_most_one_active_timer_per_metric(policies, agent, frozen_time):
    world = World(agent, frozen_time)
    for step in (reply, customer, customer, reply, customer, reply_and_wait, customer):
        world.later()
        step(world)

    active = SLATimer.objects.filter(ticket=world.ticket).active()
    assert sorted(active.values_list("metric", flat=True)) == [NR, RES]


def test_it_starts_nothing_and_raises_nothing_without_any_policy(db, agent, frozen_time):
    from tickets.models import SLAPolicy

    SLAPolicy.objects.all().delete()

    world = World(agent, frozen_time)
    reply(world)

    assert not SLATimer.objects.exists()


def test_it_gives_a_ticket_that_matches_no_policy_the_default(db, agent, frozen_time, refunds):
    make_sla_policy(name="Refunds only", queues=[refunds], targets={FR: 5})

    world = World(agent, frozen_time)

    timers = SLATimer.objects.filter(ticket=world.ticket).select_related("policy")
    assert {t.policy.name for t in timers} == {"Default"}
    assert {t.metric: t.target_minutes for t in timers} == {FR: 240, RES: 2700}


def test_it_files_the_ticket_even_when_its_timers_cannot_be_computed(
    db, agent, frozen_time, caplog
):
    from tickets.models import BusinessCalendar

    broken = BusinessCalendar.objects.create(name="No hours left")  # no windows: never due
    make_sla_policy(name="Broken", calendar=broken, targets={FR: 60})

    world = World(agent, frozen_time)
    reply(world)

    # Every change went through (the queue may also have auto-assigned the ticket).
    kinds = world.ticket.events.exclude(kind="assignee").values_list("kind", flat=True)
    assert list(kinds) == ["created", "replied", "status"]
    assert not SLATimer.objects.filter(ticket=world.ticket).exists()
    assert "could not apply created to the timers" in caplog.text
