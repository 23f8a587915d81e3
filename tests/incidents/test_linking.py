"""Linking by hand (incidents/services.py link/unlink), declaring and editing with their
validation, and status updates."""

import pytest

from incidents import services as incident_services
from incidents.models import Incident, IncidentJob, IncidentUpdate
from tests.factories import ContactFactory, TicketFactory
from tickets import services
from tickets.events import Actor, ServiceError
from tickets.models import Ticket, TicketEvent

from .core import declare, lead_of_every_queue, new_ticket

pytestmark = pytest.mark.django_db

CARD = "4111 1111 1111 1111"


@pytest.fixture
def lead(db):
    """Here a lead of every queue: incidents over any category are theirs to declare."""
    return lead_of_every_queue()


def incident_events(ticket):
    return list(
        ticket.events.filter(kind=TicketEvent.Kind.INCIDENT)
        .order_by("id")
        .values_list("old_value", "new_value", "data")
    )


def tags_of(ticket):
    return set(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True))


def test_linking_by_hand_links_tags_and_records_one_event(lead):
    incident = declare(lead, categories=[])
    ticket = new_ticket("how_to")

    changed = incident_services.link([ticket], incident, by=lead)

    assert [t.pk for t in changed] == [ticket.pk]
    assert Ticket.objects.get(pk=ticket.pk).incident_id == incident.pk
    assert tags_of(ticket) == {incident.tag.name}
    event = ticket.events.get(kind=TicketEvent.Kind.INCIDENT)
    assert (event.old_value, event.new_value) == ("", str(incident.pk))
    assert event.data == {"linked": "by hand"}
    assert (event.actor_type, event.actor_user_id) == (TicketEvent.Actor.AGENT, lead.pk)


def test_linking_again_changes_nothing(lead):
    incident = declare(lead, categories=[])
    ticket = new_ticket("how_to")
    incident_services.link([ticket], incident, by=lead)

    assert incident_services.link([ticket.pk], incident, by=lead) == []
    assert len(incident_events(ticket)) == 1


def test_linking_in_bulk_moves_skips_closed_and_keeps_other_tags(lead, agent):
    old = declare(lead, payment_methods=["virtual_account"])
    new = declare(lead, categories=[])
    matched = new_ticket(payment_method="virtual_account")  # linked to `old` at creation
    services.set_tags(ticket=matched, names=["vip", old.tag.name], by=Actor.agent(agent))
    plain = new_ticket("how_to")
    closed = TicketFactory(status=Ticket.Status.CLOSED)
    resolved = TicketFactory(status=Ticket.Status.RESOLVED)
    already = new_ticket("how_to")
    incident_services.link([already], new, by=lead)

    changed = incident_services.link(
        [matched.pk, plain.pk, closed.pk, resolved.pk, already.pk], new, by=lead
    )

    assert sorted(t.pk for t in changed) == sorted([matched.pk, plain.pk, resolved.pk])
    linked = dict(Ticket.objects.values_list("pk", "incident_id"))
    assert linked[matched.pk] == linked[plain.pk] == linked[resolved.pk] == new.pk
    assert linked[closed.pk] is None
    # moving from one incident to another drops the old incident's tag, not the others
    assert tags_of(matched) == {"vip", new.tag.name}
    assert tags_of(closed) == set()
    assert incident_events(matched)[-1][:2] == (str(old.pk), str(new.pk))
    assert len(incident_events(already)) == 1
    assert not closed.events.filter(kind=TicketEvent.Kind.INCIDENT).exists()


def test_unlinking_in_bulk_drops_the_tag_and_records_an_event_each(lead):
    incident = declare(lead, payment_methods=["qris"])
    tickets = [new_ticket(payment_method="qris") for _ in range(3)]
    unrelated = new_ticket("how_to")

    changed = incident_services.unlink([*tickets, unrelated], by=lead)

    assert sorted(t.pk for t in changed) == sorted(t.pk for t in tickets)
    assert not Ticket.objects.filter(incident__isnull=False).exists()
    for ticket in tickets:
        assert tags_of(ticket) == set()
        assert incident_events(ticket)[-1] == (str(incident.pk), "", {"linked": "unlinked"})
    assert incident_services.unlink(tickets, by=lead) == []
    assert not unrelated.events.filter(kind=TicketEvent.Kind.INCIDENT).exists()


def test_counts_by_status(lead, agent):
    incident = declare(lead, payment_methods=["qris"])
    tickets = [new_ticket(payment_method="qris") for _ in range(4)]
    services.change_status(ticket=tickets[0], status="pending_customer", by=Actor.agent(agent))
    services.change_status(ticket=tickets[1], status="resolved", by=Actor.agent(agent))

    counts = incident_services.counts_by_status(incident)

    assert counts["new"] == 2
    assert counts["pending_customer"] == counts["resolved"] == 1
    assert counts["closed"] == 0
    assert sum(counts.values()) == 4


# Declaring and editing


def test_declaring_writes_the_incident_its_tag_its_first_update_and_categories(lead):
    incident = incident_services.declare(
        by=lead,
        categories=["payment_failed", "refund"],
        title_id="Top-up BRI VA tertunda",
        message_id="Dana Anda aman.",
        payment_methods=[" virtual_account ", "virtual_account", ""],
        banks=["BRI"],
    )

    incident.refresh_from_db()
    assert incident.status == Incident.Status.INVESTIGATING
    assert incident.declared_by == lead
    assert incident.tag.name == f"incident-{incident.pk}"
    assert incident.payment_methods == ["virtual_account"]
    assert set(incident.categories.values_list("pk", flat=True)) == {"payment_failed", "refund"}
    update = incident.updates.get()
    assert (update.status, update.message_id) == ("investigating", "Dana Anda aman.")
    # English falls back to what is written
    assert incident.title("en") == "Top-up BRI VA tertunda"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title_en": "", "message_en": "Safe."}, "title in at least one language"),
        ({"title_en": "Down", "message_en": "  "}, "message to customers in at least one"),
        ({"categories": ["nope"]}, "Unknown category: nope."),
    ],
)
def test_declaring_refuses_what_is_missing(lead, values, message):
    with pytest.raises(ServiceError, match=message):
        declare(lead, **values)
    assert not Incident.objects.exists()


def test_the_expected_end_must_come_after_the_start(lead):
    incident = declare(lead)
    with pytest.raises(ServiceError, match="expected end must be after the start"):
        incident_services.edit(incident, by=lead, expected_end_at=incident.started_at)
    incident.refresh_from_db()
    assert incident.expected_end_at is None


def test_a_card_number_pasted_into_an_incident_is_redacted(lead):
    incident = declare(
        lead,
        title_en=f"Card {CARD} charged twice",
        message_en=f"A customer wrote: my card {CARD} was charged twice.",
    )
    incident_services.edit(incident, by=lead, message_id=f"Kartu {CARD} terdebit dua kali.")
    update = incident_services.post_update(
        incident, by=lead, status="identified", message_en=f"Card {CARD}: the bank found it."
    )

    incident.refresh_from_db()
    texts = [incident.title_en, incident.message_en, incident.message_id, update.message_en]
    for text in texts:
        assert CARD not in text
        assert "4111" not in text
        assert "1111" in text  # the last four stay, as everywhere else
    assert CARD not in incident.updates.get(status="investigating").message_en


def test_editing_changes_texts_and_conditions_but_not_the_status(lead):
    incident = declare(lead)
    edited = incident_services.edit(
        incident, by=lead, title_en="Now BCA too", banks=["BRI", "BCA"], categories=["refund"]
    )
    assert edited.title_en == "Now BCA too"
    assert sorted(edited.banks) == ["BCA", "BRI"]
    assert list(edited.categories.values_list("pk", flat=True)) == ["refund"]
    with pytest.raises(TypeError):
        incident_services.edit(incident, by=lead, status="resolved")


# Status updates


def test_posting_updates_moves_the_status_and_keeps_the_history(lead):
    incident = declare(lead)

    incident_services.post_update(incident, by=lead, status="identified", message_en="Found it.")
    incident_services.post_update(incident, by=lead, status="monitoring", message_en="Fixed?")
    incident_services.post_update(incident, by=lead, status="monitoring", message_en="Still ok.")

    incident.refresh_from_db()
    assert incident.status == Incident.Status.MONITORING
    assert incident.is_active
    assert list(
        IncidentUpdate.objects.filter(incident=incident)
        .order_by("posted_at", "id")
        .values_list("status", flat=True)
    ) == ["investigating", "identified", "monitoring", "monitoring"]
    # no customer was told: no job
    assert not IncidentJob.objects.exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [("resolved", "its own action"), ("gone", "Unknown status: gone.")],
)
def test_updates_refuse_a_resolution_and_unknown_statuses(lead, status, message):
    incident = declare(lead)
    with pytest.raises(ServiceError, match=message):
        incident_services.post_update(incident, by=lead, status=status, message_en="x")
    assert incident.updates.count() == 1


def test_an_update_needs_a_message(lead):
    incident = declare(lead)
    with pytest.raises(ServiceError, match="at least one language"):
        incident_services.post_update(incident, by=lead, status="identified", message_en=" ")


def test_a_resolved_incident_takes_no_update_and_no_second_resolution(lead):
    incident = declare(lead)
    incident_services.resolve(incident, by=lead, message_en="Fixed.", notify_customers=False)

    with pytest.raises(ServiceError, match="resolved; declare a new one"):
        incident_services.post_update(incident, by=lead, status="identified", message_en="x")
    with pytest.raises(ServiceError, match="already resolved"):
        incident_services.resolve(incident, by=lead, message_en="Fixed again.")
    incident.refresh_from_db()
    assert incident.resolved_at is not None
    assert incident.jobs.count() == 1


def test_resolving_refuses_an_unknown_outcome(lead):
    incident = declare(lead)
    with pytest.raises(ServiceError, match="Unknown outcome"):
        incident_services.resolve(incident, by=lead, outcome="delete", message_en="x")
    incident.refresh_from_db()
    assert incident.is_active


def test_linking_needs_no_contact_of_the_same_requester(lead):
    # Tickets of different customers are linked together; none is told anything by a link.
    incident = declare(lead, categories=[])
    tickets = [new_ticket("how_to", requester=ContactFactory()) for _ in range(3)]
    incident_services.link(tickets, incident, by=lead)
    assert not Ticket.objects.get(pk=tickets[0].pk).messages.filter(author_type="agent").exists()
