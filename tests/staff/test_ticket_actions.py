import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import files
from tests.factories import TicketFactory
from tests.staff.conftest import htmx
from tickets.models import CannedResponse, Message, Ticket
from tickets.services import Actor, add_customer_message, change_priority

pytestmark = pytest.mark.django_db


def url(ticket, action=""):
    return f"/staff/tickets/{ticket.reference}/{action + '/' if action else ''}"


def version(ticket) -> str:
    ticket.refresh_from_db()
    return ticket.updated_at.isoformat()


def test_the_page_shows_notes_apart_from_replies_and_the_customer_panel(
    as_agent, ticket, agent, customer
):
    from tickets.services import add_agent_message

    add_agent_message(ticket=ticket, agent=agent, body="Checked the bank log", internal=True)
    sibling = TicketFactory(
        requester=customer.contact, queue=ticket.queue, subject="Earlier problem"
    )

    html = as_agent.get(url(ticket)).content.decode()

    assert 'class="message message-note"' in html
    assert "Checked the bank log" in html
    assert "Internal note" in html
    assert sibling.reference in html
    assert customer.email in html
    assert 'id="audit-trail"' in html


@pytest.mark.parametrize("messages", [2, 40])
def test_the_page_costs_the_same_queries_however_long_the_thread(
    as_agent, ticket, customer, messages, request
):
    for n in range(messages):
        add_customer_message(
            ticket=ticket, contact=customer.contact, body=f"Message {n}", attachments=[]
        )
    as_agent.get(url(ticket))

    with CaptureQueriesContext(connection) as queries:
        assert as_agent.get(url(ticket)).status_code == 200

    counts = request.config.__dict__.setdefault("ticket_page_counts", {})
    counts[messages] = len(queries)
    if len(counts) == 2:
        assert counts[2] == counts[40]
    assert len(queries) <= 25
    # One of them is this read's audit row (audit.record, README "Security"): a single INSERT.
    assert [q["sql"][:30] for q in queries.captured_queries if "audit_auditentry" in q["sql"]] == [
        'INSERT INTO "audit_auditentry"'
    ]


def test_a_public_reply_with_files_can_set_the_status(as_agent, ticket, agent):
    response = as_agent.post(
        url(ticket, "reply"),
        {
            "body": "Please send the bank statement",
            "kind": "public",
            "status": "pending_customer",
            "attachments": [files.pdf()],
            "seen": ticket.messages.last().pk,
        },
        **htmx(),
    )

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == "pending_customer"
    reply = ticket.messages.get(author_user=agent)
    assert reply.kind == "public"
    assert reply.attachments.count() == 1
    html = response.content.decode()
    assert 'id="thread"' in html
    assert 'hx-swap-oob="true"' in html
    assert "Please send the bank statement" in html


def test_an_internal_note_stays_internal(as_agent, ticket, agent, client_factory, customer):
    as_agent.post(
        url(ticket, "reply"),
        {"body": "Fraud team informed", "kind": "internal", "seen": ticket.messages.last().pk},
    )

    note = ticket.messages.get(author_user=agent)
    assert note.kind == "internal"
    customer_view = client_factory()
    customer_view.force_login(customer)
    assert (
        "Fraud team informed"
        not in customer_view.get(f"/tickets/{ticket.reference}/").content.decode()
    )


def test_a_reply_warns_when_the_customer_wrote_meanwhile(as_agent, ticket, customer):
    seen = ticket.messages.last().pk
    add_customer_message(ticket=ticket, contact=customer.contact, body="Actually it is BCA")

    warned = as_agent.post(
        url(ticket, "reply"), {"body": "Which bank?", "kind": "public", "seen": seen}, **htmx()
    )

    assert warned.status_code == 409
    html = warned.content.decode()
    assert "A new message arrived" in html
    assert "Actually it is BCA" in html
    assert "Which bank?" in html  # the text is kept
    assert not ticket.messages.filter(body="Which bank?").exists()

    sent = as_agent.post(
        url(ticket, "reply"),
        {"body": "Which bank?", "kind": "public", "seen": seen, "send_anyway": "on"},
        **htmx(),
    )

    assert sent.status_code == 200
    assert ticket.messages.filter(body="Which bank?").exists()


def test_an_empty_reply_comes_back_with_an_error(as_agent, ticket):
    response = as_agent.post(url(ticket, "reply"), {"body": "", "kind": "public"}, **htmx())

    assert response.status_code == 400
    assert ticket.messages.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "check"),
    [
        ("status", "on_hold", lambda t: t.status == "on_hold"),
        ("priority", "4", lambda t: t.priority == 4),
        ("category", "refund", lambda t: t.category_id == "refund"),
        ("queue", "general", lambda t: t.queue.slug == "general"),
    ],
)
def test_each_field_changes_with_an_audit_event(as_agent, ticket, field, value, check):
    response = as_agent.post(
        url(ticket, "update"), {"field": field, "value": value, "version": version(ticket)}
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert check(ticket)
    assert ticket.events.filter(kind=field).count() == 1


def test_a_stale_form_gets_a_conflict_not_an_overwrite(as_agent, ticket, lead):
    drawn = version(ticket)
    change_priority(ticket=ticket, priority=1, by=Actor.agent(lead))

    response = as_agent.post(
        url(ticket, "update"), {"field": "priority", "value": "4", "version": drawn}, **htmx()
    )

    assert response.status_code == 409
    assert "Someone else changed" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == 1


@pytest.mark.parametrize("value", ["bogus", "999"])
def test_a_bad_value_is_refused_with_a_reason(as_agent, ticket, value):
    response = as_agent.post(url(ticket, "update"), {"field": "status", "value": value}, **htmx())

    assert response.status_code == 400
    assert "No such status" in response.content.decode()


def test_an_illegal_status_move_is_explained(as_agent, ticket):
    response = as_agent.post(
        url(ticket, "update"), {"field": "status", "value": "closed"}, **htmx()
    )

    assert response.status_code == 400
    assert "cannot be moved to Closed" in response.content.decode()


def test_moving_to_a_queue_i_am_not_in_sends_me_back_to_the_queue(as_agent, ticket):
    response = as_agent.post(
        url(ticket, "update"), {"field": "queue", "value": "refunds"}, **htmx()
    )

    assert response["HX-Redirect"] == "/staff/queue/"


def test_an_agent_claims_and_releases_but_cannot_give_away(as_agent, ticket, agent, lead):
    as_agent.post(url(ticket, "claim"))
    ticket.refresh_from_db()
    assert ticket.assignee == agent

    refused = as_agent.post(
        url(ticket, "update"), {"field": "assignee", "value": str(lead.pk)}, **htmx()
    )
    assert refused.status_code == 400
    assert "Only a lead" in refused.content.decode()

    as_agent.post(url(ticket, "update"), {"field": "assignee", "value": "nobody"})
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_a_lead_reassigns_within_their_queue(as_lead, ticket, agent, agent_of_other_queue):
    as_lead.post(url(ticket, "update"), {"field": "assignee", "value": str(agent.pk)})
    ticket.refresh_from_db()
    assert ticket.assignee == agent

    refused = as_lead.post(
        url(ticket, "update"),
        {"field": "assignee", "value": str(agent_of_other_queue.pk)},
        **htmx(),
    )
    assert refused.status_code == 400
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_an_admin_assigns_anyone(as_admin, ticket, agent_of_other_queue):
    as_admin.post(
        url(ticket, "update"), {"field": "assignee", "value": str(agent_of_other_queue.pk)}
    )

    ticket.refresh_from_db()
    assert ticket.assignee == agent_of_other_queue


def test_claiming_a_taken_ticket_says_who_has_it(as_agent, ticket, lead):
    Ticket.objects.filter(pk=ticket.pk).update(assignee=lead)

    response = as_agent.post(url(ticket, "claim"), **htmx())

    assert response.status_code == 400
    assert "just taken by Rina Lead" in response.content.decode()


def test_tags_are_saved_as_slugs(as_agent, ticket):
    as_agent.post(
        url(ticket, "tags"), {"tags": "BRI Delay, qris  refund", "version": version(ticket)}
    )

    assert sorted(ticket.tags.values_list("name", flat=True)) == ["bri", "delay", "qris", "refund"]


def test_merge_moves_everything_closes_the_duplicate_and_tells_the_customer(
    as_agent, ticket, customer
):
    duplicate = TicketFactory(
        requester=customer.contact, queue=ticket.queue, first_message="Same problem again"
    )

    response = as_agent.post(url(duplicate, "merge"), {"into": ticket.reference.lower()}, **htmx())

    assert response["HX-Redirect"] == url(ticket)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == ("closed", ticket)
    assert ticket.messages.filter(body="Same problem again").exists()
    assert ticket.messages.filter(author_type="system", kind="public").exists()
    assert duplicate.messages.get().author_type == "system"
    assert duplicate.events.filter(kind="merged").exists()
    assert ticket.events.filter(kind="merged_from").exists()


def test_merge_into_a_ticket_out_of_reach_is_refused(as_agent, ticket, refunds, customer):
    elsewhere = TicketFactory(requester=customer.contact, queue=refunds)

    response = as_agent.post(url(ticket, "merge"), {"into": elsewhere.reference}, **htmx())

    assert response.status_code == 400
    assert "No ticket" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_escalation_reaches_the_leads_dashboard(as_agent, ticket, lead, client_factory):
    as_agent.post(url(ticket, "escalate"), {"reason": "Customer threatens to go to the press"})

    ticket.refresh_from_db()
    assert ticket.escalated_at is not None
    event = ticket.events.get(kind="escalated")
    assert event.data["leads"] == [lead.email]
    assert ticket.messages.filter(kind="internal", body__contains="press").exists()
    lead_view = client_factory()
    lead_view.force_login(lead)
    assert ticket.reference in lead_view.get("/staff/").content.decode()


def test_escalation_needs_a_reason(as_agent, ticket):
    response = as_agent.post(url(ticket, "escalate"), {"reason": " "}, **htmx())

    assert response.status_code == 400
    assert not ticket.events.filter(kind="escalated").exists()


def test_a_canned_response_is_filled_in_as_plain_text(as_agent, ticket, agent):
    ticket.requester.name = "Siti <b>R</b>"
    ticket.requester.save()
    answer = CannedResponse.objects.create(
        title="Refund timing",
        language="en",
        queue=ticket.queue,
        body="Hi {customer_name}, about {reference}: {agent_name} here. {unknown} {{ evil }}",
    )

    response = as_agent.get(url(ticket, f"canned/{answer.pk}"))

    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == (
        f"Hi Siti <b>R</b>, about {ticket.reference}: Budi here. {{unknown}} {{{{ evil }}}}"
    )


def test_canned_responses_of_another_queue_are_not_offered(as_agent, ticket, refunds):
    theirs = CannedResponse.objects.create(
        title="Refunds only", language="en", queue=refunds, body="x"
    )

    assert as_agent.get(url(ticket, f"canned/{theirs.pk}")).status_code == 404
    assert "Refunds only" not in as_agent.get(url(ticket)).content.decode()


def test_presence_shows_who_else_is_here_and_typing(as_agent, ticket, lead, client_factory):
    colleague = client_factory()
    colleague.force_login(lead)
    colleague.post(url(ticket, "presence"), {"state": "typing", "seen": 0})

    mine = as_agent.post(
        url(ticket, "presence"), {"state": "viewing", "seen": ticket.messages.last().pk}
    )

    assert "Rina is typing" in mine.content.decode()
    theirs = colleague.post(
        url(ticket, "presence"), {"state": "viewing", "seen": 0}
    ).content.decode()
    assert "Budi is viewing" in theirs
    assert "New messages since you opened" in theirs


def test_presence_forgets_an_agent_whose_key_expired(as_agent, ticket, lead):
    from django.core.cache import cache

    from tickets import presence

    presence.ping(ticket.pk, lead, "typing")
    cache.delete(f"presence:ticket:{ticket.pk}:user:{lead.pk}")  # what the TTL does

    html = as_agent.post(url(ticket, "presence"), {"state": "viewing"}).content.decode()

    assert "Rina" not in html


def test_actions_work_without_javascript_too(as_agent, ticket):
    response = as_agent.post(
        url(ticket, "update"), {"field": "priority", "value": "1"}, follow=True
    )

    assert response.redirect_chain[-1][0] == url(ticket)
    ticket.refresh_from_db()
    assert ticket.priority == 1


def test_a_closed_ticket_cannot_be_answered(as_agent, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")

    response = as_agent.post(url(ticket, "reply"), {"body": "hello", "kind": "public"}, **htmx())

    assert response.status_code == 400
    assert not Message.objects.filter(body="hello").exists()
