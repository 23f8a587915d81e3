"""The spike detector (incidents/spikes.py) on a fixed clock: a group of new tickets (a category,
its payment method, its bank) far above its usual rate over the week before is flagged, once
and at its most specific, marked when an active incident covers it, and shown on the staff
dashboard to leads and admins, with Redis or without it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from incidents import spikes
from tests.factories import ContactFactory
from tickets.models import Category, Ticket
from tickets.models.tickets import generate_references

from .core import declare, lead_of_every_queue

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 9, 40, tzinfo=UTC)
WEEK_WINDOWS = 7 * 24 * 4  # 15-minute windows in the baseline


@pytest.fixture
def lead(db):
    """Here a lead of every queue: incidents over any category are theirs to declare."""
    return lead_of_every_queue()


@pytest.fixture(autouse=True)
def _no_cached_spikes():
    cache.delete(spikes.CACHE_KEY)
    yield
    cache.delete(spikes.CACHE_KEY)


def make_tickets(count, *, at, spread=timedelta(0), category="payment_failed", **details):
    """`count` tickets created from `at` over `spread`, evenly, written in one insert."""
    category = Category.objects.get(pk=category)
    requester = ContactFactory()
    step = spread / count if count else timedelta(0)
    references = generate_references(
        count, taken=set(Ticket.objects.values_list("reference", flat=True))
    )
    Ticket.objects.bulk_create(
        [
            Ticket(
                reference=reference,
                subject="Top-up not arrived",
                category=category,
                queue_id=category.queue_id,
                priority=category.default_priority,
                requester=requester,
                details=details,
                created_at=at + n * step,
            )
            for n, reference in enumerate(references)
        ]
    )


def usual_week(per_window, **fields):
    """`per_window` tickets in each 15 minutes of the week before the current window."""
    make_tickets(
        per_window * WEEK_WINDOWS,
        at=NOW - timedelta(minutes=15) - timedelta(days=7),
        spread=timedelta(days=7),
        **fields,
    )


def last_minutes(count, minutes=10, **fields):
    make_tickets(count, at=NOW - timedelta(minutes=minutes), spread=timedelta(minutes=9), **fields)


VA_BRI = {"payment_method": "virtual_account", "bank": "BRI"}


def test_it_flags_nothing_at_usual_rates():
    usual_week(5, **VA_BRI)
    usual_week(2, payment_method="qris")
    last_minutes(12, **VA_BRI)  # above the minimum, but not four times the usual 5
    last_minutes(2, payment_method="qris")

    assert spikes.find_spikes(NOW) == []


def test_it_flags_a_burst_at_its_most_specific_group_with_the_usual_count():
    usual_week(3, **VA_BRI)
    usual_week(4, payment_method="virtual_account", bank="BCA")
    usual_week(6, payment_method="qris")
    last_minutes(45, **VA_BRI)
    last_minutes(
        3, payment_method="virtual_account", bank="bri"
    )  # the same bank, spelt another way
    last_minutes(4, payment_method="virtual_account", bank="BCA")
    last_minutes(6, payment_method="qris")
    # Older than the window and newer than it: not counted; nor outside this time of day.
    make_tickets(30, at=NOW - timedelta(minutes=16), **VA_BRI)
    make_tickets(30, at=NOW, **VA_BRI)
    make_tickets(30, at=NOW - timedelta(days=1, hours=2), **VA_BRI)

    found = spikes.find_spikes(NOW)

    # "payment failed" and "... via virtual account" rise with it, but are not flagged again.
    assert len(found) == 1, found
    spike = found[0]
    assert (spike.category, spike.payment_method, spike.bank) == (
        "payment_failed",
        "virtual_account",
        "BRI",
    )
    assert spike.count == 48
    assert spike.usual == pytest.approx(3)
    assert spike.ratio == pytest.approx(16)
    assert not spike.covered
    assert spike.declare_query == "category=payment_failed&payment_method=virtual_account&bank=BRI"
    assert spikes.summary(spike) == (
        "Unusual: 48 Payment failed tickets via Bank transfer (virtual account) (BRI) "
        "in 15 minutes, usually 3"
    )


def test_the_usual_count_is_the_one_at_this_time_of_day():
    # Busy every morning at this hour (20 per window), quiet the rest of the day: 48 now is
    # not four times the usual morning, though it is far above the week's mean.
    for day in range(1, 8):
        make_tickets(
            100,
            at=NOW - timedelta(days=day, minutes=45),
            spread=timedelta(minutes=75),
            **VA_BRI,
        )
    last_minutes(48, **VA_BRI)

    assert spikes.find_spikes(NOW) == []


def test_a_whole_category_spikes_when_no_narrower_group_explains_it():
    usual_week(1, category="account_access")
    last_minutes(20, category="account_access")

    (spike,) = spikes.find_spikes(NOW)

    assert (spike.category, spike.payment_method, spike.bank) == ("account_access", "", "")
    assert spikes.summary(spike) == (
        "Unusual: 20 Account locked or can't log in tickets in 15 minutes, usually 1"
    )


def test_a_burst_below_the_minimum_is_not_flagged(settings):
    settings.INCIDENT_SPIKE_MIN_TICKETS = 10
    usual_week(1, category="refund", payment_method="qris")  # history, so the database is old
    last_minutes(9, payment_method="paylater")  # never seen before, but only 9

    assert spikes.find_spikes(NOW) == []

    last_minutes(1, payment_method="paylater")

    (spike,) = spikes.find_spikes(NOW)
    assert (spike.payment_method, spike.count, spike.usual) == ("paylater", 10, 0)
    assert spike.ratio == 10  # against the floor of one ticket per window


def test_the_factor_is_a_setting(settings):
    usual_week(5, **VA_BRI)
    last_minutes(25, **VA_BRI)
    settings.INCIDENT_SPIKE_FACTOR = 6

    assert spikes.find_spikes(NOW) == []

    settings.INCIDENT_SPIKE_FACTOR = 4
    assert [s.count for s in spikes.find_spikes(NOW)] == [25]


def test_a_young_installation_compares_with_the_history_it_has():
    # One day of history at 5 per window: usually 5 (15 is no spike), not 5/7 (15 would be).
    make_tickets(5 * 96, at=NOW - timedelta(minutes=15, days=1), spread=timedelta(days=1), **VA_BRI)
    last_minutes(15, **VA_BRI)

    assert spikes.find_spikes(NOW) == []


def test_a_spike_an_active_incident_covers_is_marked(lead):
    usual_week(1, **VA_BRI)
    last_minutes(20, **VA_BRI)
    last_minutes(20, category="account_access")
    incident = declare(lead, payment_methods=["virtual_account"], banks=["bri"])
    declare(lead, categories=["refund"])  # another incident, about something else

    found = {s.category: s for s in spikes.find_spikes(NOW)}

    assert found["payment_failed"].covered
    assert found["payment_failed"].incident_id == incident.pk
    assert not found["account_access"].covered


def test_a_resolved_incident_covers_nothing(lead):
    from incidents import services as incident_services

    last_minutes(20, **VA_BRI)
    incident = declare(lead, payment_methods=["virtual_account"])
    incident_services.resolve(incident, by=lead, message_en="Fixed.", notify_customers=False)

    (spike,) = spikes.find_spikes(NOW)

    assert not spike.covered


def test_a_spike_mostly_linked_to_an_active_incident_is_marked(lead):
    incident = declare(lead, merchants=["Kedai Kopi"])  # narrower than the group: not by rule
    last_minutes(20, payment_method="qris")
    Ticket.objects.filter(details__payment_method="qris").update(incident=incident)

    (spike,) = spikes.find_spikes(NOW)

    assert spike.incident_id == incident.pk


# The dashboard


def burst_now():
    make_tickets(
        48, at=timezone.now() - timedelta(minutes=10), spread=timedelta(minutes=9), **VA_BRI
    )


def test_the_dashboard_shows_a_lead_the_spike_and_offers_to_declare_an_incident(client, lead):
    burst_now()
    client.force_login(lead)

    page = client.get("/staff/").content.decode()

    assert (
        "Unusual: 48 Payment failed tickets via Bank transfer (virtual account) (BRI) "
        "in 15 minutes, usually 0"
    ) in page
    assert (
        'href="/staff/incidents/new/?category=payment_failed&amp;'
        'payment_method=virtual_account&amp;bank=BRI"'
    ) in page
    assert "Declare an incident" in page
    assert (
        "none at this time of day in the past week" in page
    )  # no history: no ratio against the floor


def test_the_dashboard_links_a_covered_spike_to_its_incident(client, admin_user):
    burst_now()
    incident = declare(admin_user, payment_methods=["virtual_account"])
    client.force_login(admin_user)

    page = client.get("/staff/").content.decode()

    assert f"Covered by incident #{incident.pk}" in page
    assert f'href="/staff/incidents/{incident.pk}/"' in page
    assert "Declare an incident" not in page


def test_the_dashboard_shows_no_spike_to_an_agent(client, agent):
    burst_now()
    client.force_login(agent)

    response = client.get("/staff/")

    assert response.status_code == 200
    assert "Unusual" not in response.content.decode()


def test_the_dashboard_counts_once_for_many_views(client, lead):
    burst_now()
    client.force_login(lead)
    client.get("/staff/")
    make_tickets(10, at=timezone.now() - timedelta(minutes=1), **VA_BRI)

    page = client.get("/staff/").content.decode()

    assert "Unusual: 48 " in page  # from the cache: not recounted within 30 seconds
    cache.delete(spikes.CACHE_KEY)
    assert "Unusual: 58 " in client.get("/staff/").content.decode()


@pytest.mark.redis
def test_the_dashboard_works_and_still_flags_with_redis_down(client, lead, settings):
    from helpdesk import cache as fail_open

    burst_now()
    client.force_login(lead)
    settings.CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens: refused at once
        }
    }
    try:
        response = client.get("/staff/")
    finally:
        fail_open._down_until = 0.0  # the next test's cache is up

    assert response.status_code == 200
    assert "Unusual: 48 " in response.content.decode()
