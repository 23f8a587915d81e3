"""Matching at creation (incidents/matching.py): a new ticket whose category and structured
fields match an active incident is linked, tagged and given an `incident` event in its own
creation transaction; the most specific incident wins; nothing else is ever linked."""

import pytest
from django.db import connection
from django.test import TestCase

from incidents import matching
from incidents import services as incident_services
from incidents.models import Incident
from tests.factories import ContactFactory
from tickets import reactions
from tickets.models import Ticket, TicketEvent

from .core import count_queries, declare, lead_of_every_queue, new_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(db):
    """Here a lead of every queue: incidents over any category are theirs to declare."""
    return lead_of_every_queue()


def linked_event(ticket):
    return ticket.events.filter(kind=TicketEvent.Kind.INCIDENT).get()


def test_a_matching_ticket_is_linked_tagged_and_recorded_at_creation(lead):
    incident = declare(
        lead, payment_methods=["virtual_account"], banks=["BRI"], merchants=["tokopedia"]
    )

    ticket = new_ticket(payment_method="virtual_account", bank="bri", merchant="Toko-pedia ")

    ticket.refresh_from_db()
    assert ticket.incident_id == incident.pk
    assert incident.tag.name == f"incident-{incident.pk}"
    assert list(ticket.tags.values_list("pk", flat=True)) == [incident.tag_id]
    event = linked_event(ticket)
    assert event.new_value == str(incident.pk)
    assert event.data == {"linked": "matched"}
    assert event.actor_type == TicketEvent.Actor.SYSTEM
    # In the creation transaction: the link comes with the ticket, at its instant.
    created = ticket.events.get(kind=TicketEvent.Kind.CREATED)
    assert event.created_at == created.created_at == ticket.created_at


@pytest.mark.parametrize(
    "merchant",
    ["tokopedia", "Tokopedia", "TOKO PEDIA", "Toko-pedia ", "toko_pedia.", " tokopedia!!"],
)
def test_merchants_match_ignoring_case_spaces_and_punctuation(lead, merchant):
    incident = declare(lead, merchants=["Toko-pedia "])

    ticket = new_ticket(payment_method="qris", merchant=merchant)

    assert Ticket.objects.get(pk=ticket.pk).incident_id == incident.pk


@pytest.mark.parametrize(
    ("category", "details"),
    [
        ("refund", {"payment_method": "virtual_account", "bank": "BRI"}),  # another category
        ("payment_failed", {"payment_method": "qris", "bank": "BRI"}),  # another method
        ("payment_failed", {"payment_method": "virtual_account", "bank": "BCA"}),  # another bank
        ("payment_failed", {"payment_method": "virtual_account"}),  # no bank given
        ("payment_failed", {}),  # no details
    ],
)
def test_a_ticket_that_does_not_match_is_not_linked(lead, category, details):
    incident = declare(lead, payment_methods=["virtual_account"], banks=["BRI"])

    ticket = new_ticket(category, **details)

    ticket.refresh_from_db()
    assert ticket.incident_id is None
    assert not ticket.tags.exists()
    assert not ticket.events.filter(kind=TicketEvent.Kind.INCIDENT).exists()
    assert not incident.tag.tickets.exists()


def test_a_merchant_incident_does_not_match_a_ticket_without_a_merchant(lead):
    declare(lead, merchants=["tokopedia"])

    assert new_ticket(payment_method="qris").incident_id is None
    assert new_ticket(payment_method="qris", merchant=" - ").incident_id is None
    assert new_ticket(payment_method="qris", merchant="Shopee").incident_id is None


def test_the_most_specific_incident_wins_whatever_the_order_declared(lead):
    specific = declare(lead, payment_methods=["virtual_account"], banks=["BRI"])
    broad = declare(lead)  # every payment_failed ticket, declared later
    middle = declare(lead, payment_methods=["virtual_account"])

    bri = new_ticket(payment_method="virtual_account", bank="BRI")
    bca = new_ticket(payment_method="virtual_account", bank="BCA")
    qris = new_ticket(payment_method="qris")

    assert Ticket.objects.get(pk=bri.pk).incident_id == specific.pk
    assert Ticket.objects.get(pk=bca.pk).incident_id == middle.pk
    assert Ticket.objects.get(pk=qris.pk).incident_id == broad.pk


def test_resolved_incidents_never_match(lead):
    incident = declare(lead, payment_methods=["virtual_account"])
    incident_services.resolve(incident, by=lead, message_en="Fixed.", notify_customers=False)

    ticket = new_ticket(payment_method="virtual_account")

    assert Ticket.objects.get(pk=ticket.pk).incident_id is None


def test_an_incident_that_does_not_link_new_tickets_never_matches(lead):
    declare(lead, payment_methods=["virtual_account"], match_new_tickets=False)

    assert new_ticket(payment_method="virtual_account").incident_id is None


def test_turning_matching_off_by_an_edit_stops_it_at_once(lead):
    incident = declare(lead, payment_methods=["virtual_account"])
    assert new_ticket(payment_method="virtual_account").incident_id == incident.pk

    incident_services.edit(incident, by=lead, match_new_tickets=False)

    assert new_ticket(payment_method="virtual_account").incident_id is None


def test_an_incident_without_conditions_never_matches_automatically(lead):
    incident = declare(lead, categories=[])
    assert not incident.has_conditions()

    for category in ("payment_failed", "refund", "how_to"):
        assert new_ticket(category, payment_method="qris").incident_id is None


def test_a_rolled_back_creation_leaves_no_link_tag_or_event(lead, monkeypatch):
    incident = declare(lead, payment_methods=["virtual_account"])

    def refuse(event):
        if event.kind == TicketEvent.Kind.CREATED:
            raise RuntimeError("the disk is full")

    # A reaction after the link fails: the whole creation rolls back, the link with it.
    monkeypatch.setattr(reactions, "_reactions", [*reactions._reactions, refuse])
    with pytest.raises(RuntimeError):
        new_ticket(payment_method="virtual_account")

    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.INCIDENT).exists()
    assert not Ticket.tags.through.objects.filter(tag_id=incident.tag_id).exists()


def test_the_link_is_written_before_the_later_reactions_read_the_ticket(lead, monkeypatch):
    incident = declare(lead, payment_methods=["virtual_account"])
    seen = []

    def later(event):
        if event.kind == TicketEvent.Kind.CREATED:
            seen.append(Ticket.objects.get(pk=event.ticket.pk).incident_id)

    monkeypatch.setattr(reactions, "_reactions", [*reactions._reactions, later])
    ticket = new_ticket(payment_method="virtual_account")

    assert seen == [incident.pk]
    assert ticket.incident_id == incident.pk


def test_a_burst_of_tickets_is_linked_each_to_its_own_incident(lead):
    bri = declare(lead, payment_methods=["virtual_account"], banks=["BRI"])
    tokopedia = declare(lead, categories=["refund"], merchants=["Tokopedia"])
    qris = declare(lead, payment_methods=["qris"])
    kinds = [
        ("payment_failed", {"payment_method": "virtual_account", "bank": "B R I"}, bri.pk),
        ("payment_failed", {"payment_method": "virtual_account", "bank": "BNI"}, None),
        ("refund", {"merchant": "tokopedia official"}, tokopedia.pk),
        ("refund", {"merchant": "Bukalapak"}, None),
        ("payment_failed", {"payment_method": "qris", "merchant": "Tokopedia"}, qris.pk),
        ("how_to", {}, None),
    ]
    requester = ContactFactory(language="id")
    expected = {}

    for n in range(300):
        category, details, incident_id = kinds[n % len(kinds)]
        ticket = new_ticket(category, requester=requester, **details)
        expected[ticket.pk] = incident_id

    linked = dict(Ticket.objects.values_list("pk", "incident_id"))
    assert linked == expected
    assert Ticket.objects.filter(incident=bri).count() == 50
    events = TicketEvent.objects.filter(kind=TicketEvent.Kind.INCIDENT)
    assert events.count() == 150
    assert sorted(events.values_list("ticket_id", flat=True)) == sorted(
        pk for pk, incident_id in expected.items() if incident_id
    )
    for incident in (bri, tokopedia, qris):
        tagged = Ticket.objects.filter(tags=incident.tag_id)
        assert set(tagged.values_list("pk", flat=True)) == set(
            Ticket.objects.filter(incident=incident).values_list("pk", flat=True)
        )


def test_the_process_cache_sees_a_newly_declared_incident_at_once(lead):
    # warm: the process has loaded "no incident"
    assert matching.ACTIVE_RULES.get() == []
    assert new_ticket(payment_method="virtual_account").incident_id is None

    incident = declare(lead, payment_methods=["virtual_account"])

    # the same process, within the same second (no wait for the version check)
    assert [rule.incident_id for rule in matching.ACTIVE_RULES.get()] == [incident.pk]
    assert new_ticket(payment_method="virtual_account").incident_id == incident.pk


def test_the_process_cache_sees_it_after_commit_too(lead):
    # The declaring transaction commits: the cache is not left loading on every read.
    assert matching.ACTIVE_RULES.get() == []
    with TestCase.captureOnCommitCallbacks(execute=True):
        incident = declare(lead, payment_methods=["virtual_account"])

    assert [rule.incident_id for rule in matching.ACTIVE_RULES.get()] == [incident.pk]
    queries, _ = count_queries(connection, matching.ACTIVE_RULES.get)
    assert queries == 0


def test_a_category_added_to_an_incident_by_an_edit_matches_at_once(lead):
    incident = declare(lead, categories=["refund"], merchants=["tokopedia"])
    assert new_ticket("payment_failed", merchant="Tokopedia").incident_id is None

    incident_services.edit(incident, by=lead, categories=["refund", "payment_failed"])

    assert new_ticket("payment_failed", merchant="Tokopedia").incident_id == incident.pk


# What matching costs a ticket's creation


def _create_count(requester, **details) -> int:
    queries, ticket = count_queries(connection, lambda: new_ticket(requester=requester, **details))
    return queries, ticket


def _without_matching(monkeypatch):
    monkeypatch.setattr(
        reactions,
        "_reactions",
        [r for r in reactions._reactions if r is not matching.on_ticket_event],
    )


def test_with_no_incident_creation_costs_what_it_did_before(lead, monkeypatch):
    requester = ContactFactory(language="en")
    new_ticket(requester=requester, payment_method="virtual_account")  # warm every process cache
    with_matching, _ = _create_count(requester, payment_method="virtual_account")

    _without_matching(monkeypatch)
    new_ticket(requester=requester, payment_method="virtual_account")
    before, _ = _create_count(requester, payment_method="virtual_account")

    assert with_matching == before


def test_a_match_adds_a_small_constant_number_of_queries(lead, monkeypatch):
    requester = ContactFactory(language="en")
    with TestCase.captureOnCommitCallbacks(execute=True):
        declare(lead, payment_methods=["virtual_account"], banks=["BRI"])
        declare(lead, categories=["refund"], merchants=["Tokopedia"])
        declare(lead, payment_methods=["qris"])
    new_ticket(requester=requester, payment_method="virtual_account", bank="BRI")  # warm

    unmatched, ticket = _create_count(requester, payment_method="balance")
    assert ticket.incident_id is None
    matched = []
    for _ in range(3):
        queries, ticket = _create_count(requester, payment_method="virtual_account", bank="BRI")
        assert ticket.incident_id is not None
        matched.append(queries)

    _without_matching(monkeypatch)
    new_ticket(requester=requester, payment_method="balance")
    before, _ = _create_count(requester, payment_method="balance")

    # Three active incidents cost an unmatched ticket nothing (compared in memory) ...
    assert unmatched == before
    # ... and a match the same few writes each time: link, tag, event, the paused timers.
    assert len(set(matched)) == 1, matched
    assert 0 < matched[0] - before <= 12, (matched, before)


def test_an_incident_declared_with_the_status_resolved_is_refused(lead):
    from tickets.events import ServiceError

    with pytest.raises(ServiceError):
        declare(lead, status=Incident.Status.RESOLVED)
    assert not Incident.objects.exists()


def test_a_ticket_filed_on_the_web_form_is_linked(client, lead):
    from tests.portal.conftest import PAYMENT_FAILED, as_guest

    incident = declare(lead, payment_methods=["qris"], merchants=["kedai kopi"])
    other = declare(lead, payment_methods=["qris"], merchants=["Tokopedia"])

    response = client.post(
        "/tickets/new/payment_failed/",
        as_guest(PAYMENT_FAILED, merchant="KEDAI-KOPI Senopati"),
        follow=True,
    )

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.incident_id == incident.pk
    assert list(ticket.tags.values_list("pk", flat=True)) == [incident.tag_id]
    assert not Ticket.objects.filter(incident=other).exists()
