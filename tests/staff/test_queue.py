from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import ContactFactory, TicketFactory
from tickets.models import Message, Tag, Ticket

pytestmark = pytest.mark.django_db


def refs(response) -> list[str]:
    import re

    return re.findall(
        r'<td class="ref"><a href="/staff/tickets/([^/]+)/"', response.content.decode()
    )


@pytest.fixture
def spread(payments, agent):
    """Tickets of every priority and age in the payments queue."""
    now = timezone.now()
    made = []
    for n in range(12):
        made.append(
            TicketFactory(
                queue=payments,
                priority=1 + n % 4,
                created_at=now - timedelta(hours=n),
                subject=f"Case {n}",
                assignee=agent if n % 3 == 0 else None,
            )
        )
    return made


def test_the_default_order_is_next_deadline_first_and_no_deadline_last(as_agent, spread):
    now = timezone.now()
    for n, ticket in enumerate(spread[:6]):
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=now + timedelta(minutes=60 - 10 * n))

    shown = refs(as_agent.get("/staff/queue/"))

    with_deadline = list(reversed(spread[:6]))  # the later in spread, the sooner due
    without = sorted(spread[6:], key=lambda t: t.created_at)
    assert shown == [t.reference for t in with_deadline + without]


def test_the_priority_order_is_most_urgent_then_oldest(as_agent, spread):
    shown = refs(as_agent.get("/staff/queue/?sort=priority"))

    expected = sorted(spread, key=lambda t: (-t.priority, t.created_at))
    assert shown == [t.reference for t in expected]


@pytest.mark.parametrize("sort", ["due", "oldest", "newest", "updated", "priority"])
def test_keyset_pages_cover_every_row_once_in_order(as_agent, spread, sort):
    seen, url = [], f"/staff/queue/?sort={sort}&per_page=25"
    Ticket.objects.filter(pk__in=[t.pk for t in spread[:6]]).update(
        last_activity_at=timezone.now() - timedelta(days=1),
        sla_due_at=timezone.now() + timedelta(minutes=5),
    )
    for _ in range(20):
        TicketFactory(queue=spread[0].queue)
    import re

    while url:
        response = as_agent.get(url)
        seen += refs(response)
        match = re.search(r'href="\?([^"]*after=[^"]+)" rel="next"', response.content.decode())
        url = "/staff/queue/?" + match.group(1).replace("&amp;", "&") if match else None

    assert len(seen) == len(set(seen)) == 32


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("priority=4", lambda t: t.priority == 4),
        ("assignee=me", lambda t: t.assignee_id is not None),
        ("assignee=nobody", lambda t: t.assignee_id is None),
        ("view=mine", lambda t: t.assignee_id is not None),
        ("view=unassigned", lambda t: t.assignee_id is None),
        ("category=payment_failed", lambda t: True),
        ("category=refund", lambda t: False),
    ],
)
def test_it_filters(as_agent, spread, query, expected):
    shown = set(refs(as_agent.get(f"/staff/queue/?{query}&per_page=100")))

    assert shown == {t.reference for t in spread if expected(t)}


def test_it_filters_by_status_and_tag(as_agent, spread):
    Ticket.objects.filter(pk=spread[1].pk).update(status="pending_customer")
    spread[2].tags.add(Tag.objects.create(name="bri-delay"))

    assert refs(as_agent.get("/staff/queue/?status=pending_customer")) == [spread[1].reference]
    assert refs(as_agent.get("/staff/queue/?tag=bri-delay")) == [spread[2].reference]


def test_it_hides_solved_tickets_unless_asked(as_agent, spread):
    Ticket.objects.filter(pk=spread[0].pk).update(status="resolved")

    assert spread[0].reference not in refs(as_agent.get("/staff/queue/?per_page=100"))
    assert spread[0].reference in refs(as_agent.get("/staff/queue/?view=all&per_page=100"))


@pytest.mark.parametrize(
    "how", ["reference", "email", "transaction", "subject", "message", "chinese"]
)
def test_it_searches(as_agent, payments, how):
    requester = ContactFactory(email="wang.fang@example.cn")
    wanted = TicketFactory(
        queue=payments,
        requester=requester,
        subject="银行卡支付失败 at Toko Jaya",
        transaction_reference="TRX-20261119-K4D9PZ",
    )
    Message.objects.create(
        ticket=wanted,
        author_type="customer",
        author_contact=requester,
        body="Merchant Batik Nusantara never delivered",
        source="web",
    )
    TicketFactory(queue=payments, subject="Something else entirely")
    query = {
        "reference": wanted.reference.lower(),
        "email": "Wang.Fang@example.cn",
        "transaction": "trx-20261119-k4d9pz",
        "subject": "toko",
        "message": "nusantara",
        "chinese": "支付失败",
    }[how]

    assert refs(as_agent.get("/staff/queue/", {"q": query, "view": "all"})) == [wanted.reference]


@pytest.mark.postgres
def test_full_text_search_does_not_match_a_chinese_phrase_in_the_wrong_order(as_agent, payments):
    TicketFactory(queue=payments, subject="银行卡支付失败")

    assert refs(as_agent.get("/staff/queue/", {"q": "失败支付"})) == []


def test_a_bad_filter_comes_back_as_a_form_error(as_agent, spread):
    response = as_agent.get("/staff/queue/?status=lost&sort=random")

    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert refs(response) == []


def test_a_damaged_page_link_says_so(as_agent, spread):
    response = as_agent.get("/staff/queue/?after=tampered")

    assert "damaged" in response.content.decode()


@pytest.mark.parametrize("per_page", [25, 100])
def test_the_number_of_queries_does_not_depend_on_the_page_size(
    as_agent, payments, per_page, request
):
    for n in range(110):
        TicketFactory(queue=payments, subject=f"Row {n}").tags.add(
            Tag.objects.get_or_create(name=f"t{n % 3}")[0]
        )
    as_agent.get("/staff/queue/")  # warm up session and permissions caches

    with CaptureQueriesContext(connection) as queries:
        response = as_agent.get(f"/staff/queue/?per_page={per_page}")

    assert len(refs(response)) == per_page
    request.config.cache_counts = getattr(request.config, "cache_counts", {})
    request.config.cache_counts[per_page] = len(queries)
    if len(request.config.cache_counts) == 2:
        assert request.config.cache_counts[25] == request.config.cache_counts[100]
    assert len(queries) <= 12
    # Filters without words are no search: nothing for the audit log (a search adds one INSERT).
    assert not [q for q in queries.captured_queries if "audit_auditentry" in q["sql"]]


def test_htmx_refresh_returns_only_the_rows(as_agent, spread):
    response = as_agent.get("/staff/queue/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-rows")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="queue-rows"')
    assert "<header" not in html
    assert "hx-preserve" in html  # checked boxes survive the refresh


def test_saved_views_are_per_agent(as_agent, agent, lead, client_factory):
    as_agent.post("/staff/views/", {"name": "Urgent QRIS", "query": "priority=4&q=qris&after=x"})

    html = as_agent.get("/staff/").content.decode()
    assert 'href="/staff/queue/?priority=4&amp;q=qris">Urgent QRIS' in html
    other = client_factory()
    other.force_login(lead)
    assert "Urgent QRIS" not in other.get("/staff/").content.decode()
    view = agent.saved_views.get()
    other.post(f"/staff/views/{view.pk}/delete/")
    assert agent.saved_views.exists()
    as_agent.post(f"/staff/views/{view.pk}/delete/")
    assert not agent.saved_views.exists()


def test_the_breaching_soon_view_lists_overdue_and_nearly_due_tickets(as_agent, spread):
    now = timezone.now()
    overdue, soon, later = spread[0], spread[1], spread[2]
    Ticket.objects.filter(pk=overdue.pk).update(sla_due_at=now - timedelta(minutes=5))
    Ticket.objects.filter(pk=soon.pk).update(sla_due_at=now + timedelta(minutes=30))
    Ticket.objects.filter(pk=later.pk).update(sla_due_at=now + timedelta(hours=5))

    assert refs(as_agent.get("/staff/queue/?view=breaching")) == [overdue.reference, soon.reference]


@pytest.mark.postgres
@pytest.mark.parametrize("window", [1, 500])
def test_a_rare_word_is_found_through_the_indexes_and_a_common_one_row_by_row(
    as_agent, payments, refunds, monkeypatch, window
):
    """With a window of one ticket the first pass cannot fill the page, so the lookup through
    the full-text indexes runs; both passes find the same tickets, newest first."""
    from staff import queue as staff_queue

    monkeypatch.setattr(staff_queue, "SEARCH_WINDOW", window)
    now = timezone.now()
    older = TicketFactory(queue=payments, subject="Refund for Batik Nusantara")
    Ticket.objects.filter(pk=older.pk).update(created_at=now - timedelta(days=2))
    newer = TicketFactory(queue=payments, subject="Something else")
    Message.objects.create(
        ticket=newer,
        author_type="customer",
        author_contact=newer.requester,
        body="the batik order never came",
        source="web",
    )
    TicketFactory(queue=payments, subject="Unrelated")
    TicketFactory(queue=refunds, subject="Batik elsewhere")  # not one of the agent's queues

    assert refs(as_agent.get("/staff/queue/", {"q": "batik", "view": "all"})) == [
        newer.reference,
        older.reference,
    ]
