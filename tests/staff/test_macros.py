"""Macros: who writes them (/staff/macros/), and applying one on the ticket page."""

import pytest

from tests.conftest import _staff
from tests.factories import TicketFactory
from tickets import roles
from tickets.events import version_of
from tickets.models import Macro, Message, Tag, Ticket, TicketEvent
from tickets.services import Actor, change_priority

from .conftest import htmx

pytestmark = pytest.mark.django_db


@pytest.fixture
def refund_sent(payments, lead):
    return Macro.objects.create(
        title="Refund sent: tell the customer and wait",
        queue=payments,
        language="en",
        reply_body="Hi {customer_name}, the refund for {reference} is on its way. {agent_name}",
        set_status=Ticket.Status.PENDING_CUSTOMER,
        set_priority=Ticket.Priority.URGENT,
        add_tags="refund-sent",
        remove_tags="waiting-bank",
        created_by=lead,
    )


def form_data(**overrides) -> dict:
    return {
        "title": "Ask for the transaction reference",
        "description": "",
        "queue": "",
        "language": "",
        "reply_kind": "public",
        "reply_body": "Hi {customer_name}, please send the TRX reference.",
        "set_status": "pending_customer",
        "set_priority": "",
        "set_queue": "",
        "assign": "",
        "assignee": "",
        "add_tags": "",
        "remove_tags": "",
        **overrides,
    }


# Who may write macros


def test_an_agent_reads_the_list_but_cannot_write(as_agent, refund_sent):
    page = as_agent.get("/staff/macros/")
    assert page.status_code == 200
    assert refund_sent.title in page.content.decode()
    assert f"/staff/macros/{refund_sent.pk}/" not in page.content.decode()

    assert as_agent.get("/staff/macros/new/").status_code == 403
    assert as_agent.post("/staff/macros/new/", form_data()).status_code == 403
    assert as_agent.get(f"/staff/macros/{refund_sent.pk}/").status_code == 403
    assert (
        as_agent.post(f"/staff/macros/{refund_sent.pk}/active/", {"active": "0"}).status_code == 403
    )
    refund_sent.refresh_from_db()
    assert refund_sent.is_active
    assert Macro.objects.count() == 1


def test_a_lead_writes_macros_for_the_queues_they_lead_only(as_lead, lead, payments, refunds):
    refused = as_lead.post("/staff/macros/new/", form_data(queue=refunds.pk))
    every_queue = as_lead.post("/staff/macros/new/", form_data(queue=""))
    assert refused.status_code == 400
    assert every_queue.status_code == 400
    assert not Macro.objects.exists()

    response = as_lead.post("/staff/macros/new/", form_data(queue=payments.pk))

    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.queue, macro.created_by, macro.set_status) == (
        payments,
        lead,
        "pending_customer",
    )


def test_a_lead_cannot_edit_another_queues_macro(as_lead, refunds):
    theirs = Macro.objects.create(title="Refunds only", queue=refunds, set_priority=3)

    assert as_lead.get(f"/staff/macros/{theirs.pk}/").status_code == 404
    assert as_lead.post(f"/staff/macros/{theirs.pk}/active/", {"active": "0"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_an_admin_writes_a_macro_for_every_queue(as_admin):
    response = as_admin.post("/staff/macros/new/", form_data(title="关闭已解决的工单"))

    assert response.status_code == 302
    assert Macro.objects.get().queue is None


def test_a_lead_edits_and_deactivates_their_macro(as_lead, refund_sent, payments):
    response = as_lead.post(
        f"/staff/macros/{refund_sent.pk}/",
        form_data(title="Pengembalian dana terkirim", queue=payments.pk, language="id"),
    )
    assert response.status_code == 302
    refund_sent.refresh_from_db()
    assert (refund_sent.title, refund_sent.language) == ("Pengembalian dana terkirim", "id")

    as_lead.post(f"/staff/macros/{refund_sent.pk}/active/", {"active": "0"})
    refund_sent.refresh_from_db()
    assert not refund_sent.is_active
    assert "inactive" in as_lead.get("/staff/macros/").content.decode()


def test_the_form_explains_what_is_wrong(as_lead, payments, agent_of_other_queue):
    nothing = as_lead.post(
        "/staff/macros/new/",
        form_data(queue=payments.pk, reply_body="", set_status=""),
    ).content.decode()
    no_agent = as_lead.post(
        "/staff/macros/new/", form_data(queue=payments.pk, assign="agent")
    ).content.decode()
    outsider = as_lead.post(
        "/staff/macros/new/",
        form_data(queue=payments.pk, assign="agent", assignee=agent_of_other_queue.pk),
    ).content.decode()

    assert "A macro must reply or change something." in nothing
    assert "Choose the agent to assign to." in no_agent
    assert "Select a valid choice" in outsider
    assert not Macro.objects.exists()


def test_names_with_markup_are_escaped_on_the_list(as_admin):
    Macro.objects.create(title="<script>alert(1)</script>", set_priority=1)

    html = as_admin.get("/staff/macros/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Applying a macro


def apply(client, ticket, macro, *, version=None, **extra):
    return client.post(
        f"/staff/tickets/{ticket.reference}/macros/{macro.pk}/apply/",
        {"version": version_of(ticket) if version is None else version},
        **extra,
    )


def test_the_preview_fills_the_placeholders_and_lists_the_changes(as_agent, ticket, refund_sent):
    html = as_agent.get(
        f"/staff/tickets/{ticket.reference}/macros/{refund_sent.pk}/", **htmx()
    ).content.decode()

    assert f"Hi Siti Customer, the refund for {ticket.reference} is on its way. Budi" in html
    assert (
        "Status: Waiting for customer; Priority: Urgent; Tags: +refund-sent −waiting-bank" in html
    )
    assert "Apply and send" in html
    assert f'value="{version_of(ticket)}"' in html


def test_it_replies_and_sets_every_field_in_one_go(as_agent, agent, ticket, refund_sent):
    ticket.tags.add(Tag.objects.create(name="waiting-bank"), Tag.objects.create(name="qris"))

    response = apply(as_agent, ticket, refund_sent, **htmx())

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING_CUSTOMER
    assert ticket.priority == Ticket.Priority.URGENT
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["qris", "refund-sent"]
    reply = ticket.messages.get(author_user=agent)
    assert reply.kind == Message.Kind.PUBLIC
    assert reply.body == f"Hi Siti Customer, the refund for {ticket.reference} is on its way. Budi"
    kinds = set(ticket.events.values_list("kind", flat=True))
    assert {
        TicketEvent.Kind.REPLIED,
        TicketEvent.Kind.STATUS,
        TicketEvent.Kind.PRIORITY,
        TicketEvent.Kind.TAGS,
    } <= kinds
    assert ticket.first_response_at is not None
    assert "is on its way" in response.content.decode()  # the thread, redrawn


def test_an_internal_note_macro_assigns_to_the_agent_who_applies_it(as_agent, agent, ticket):
    macro = Macro.objects.create(
        title="Take and note",
        reply_kind=Macro.ReplyKind.INTERNAL,
        reply_body="Checking with the bank for {reference}.",
        assign=Macro.Assign.ME,
        set_status=Ticket.Status.ON_HOLD,
    )

    assert apply(as_agent, ticket, macro).status_code == 302

    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.status == Ticket.Status.ON_HOLD
    assert ticket.messages.get(author_user=agent).kind == Message.Kind.INTERNAL
    assert ticket.first_response_at is None


def test_a_refused_step_leaves_nothing_changed(as_agent, lead, ticket):
    # An agent may not give a ticket to someone else by hand: the whole macro is refused.
    macro = Macro.objects.create(
        title="Hand to the lead",
        reply_body="Passing this to my lead.",
        set_priority=Ticket.Priority.URGENT,
        add_tags="escalated-by-macro",
        assign=Macro.Assign.AGENT,
        assignee=lead,
    )
    before = (ticket.messages.count(), ticket.events.count(), ticket.priority)

    response = apply(as_agent, ticket, macro, **htmx())

    assert response.status_code == 400
    assert "Only a lead of this queue can give a ticket to someone else." in (
        response.content.decode()
    )
    ticket.refresh_from_db()
    assert (ticket.messages.count(), ticket.events.count(), ticket.priority) == before
    assert ticket.assignee is None
    assert not ticket.tags.exists()


def test_a_macro_for_a_deactivated_agent_is_refused(as_lead, agent, ticket):
    macro = Macro.objects.create(
        title="Give to Budi", set_priority=1, assign=Macro.Assign.AGENT, assignee=agent
    )
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    priority = ticket.priority

    response = apply(as_lead, ticket, macro, **htmx())

    assert response.status_code == 400
    assert "Budi Agent can no longer take tickets." in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.priority) == (None, priority)


def test_a_stale_page_gets_a_conflict_instead_of_overwriting(as_agent, agent, ticket, refund_sent):
    seen = version_of(ticket)
    change_priority(ticket=ticket, priority=Ticket.Priority.LOW, by=Actor.agent(agent))

    response = apply(as_agent, ticket, refund_sent, version=seen, **htmx())

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed" in html
    assert 'id="macro-error"' in html
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.LOW
    assert not ticket.messages.filter(author_user=agent).exists()


def test_a_macro_of_another_queue_or_language_cannot_be_applied(as_agent, ticket, refunds):
    other_queue = Macro.objects.create(title="Refunds", queue=refunds, set_priority=1)
    other_language = Macro.objects.create(title="Bahasa", language="id", set_priority=1)
    inactive = Macro.objects.create(title="Old", set_priority=1, is_active=False)
    priority = ticket.priority

    for macro in (other_queue, other_language, inactive):
        assert apply(as_agent, ticket, macro).status_code == 404
    ticket.refresh_from_db()
    assert ticket.priority == priority != 1


def test_an_agent_of_another_queue_cannot_reach_the_ticket(client, ticket, refund_sent):
    outsider = _staff(roles.AGENT, ticket.queue.__class__.objects.get(slug="refunds"))
    client.force_login(outsider)

    assert apply(client, ticket, refund_sent).status_code == 404
    assert (
        client.get(f"/staff/tickets/{ticket.reference}/macros/{refund_sent.pk}/").status_code == 404
    )


def test_a_closed_ticket_takes_no_macro(as_agent, ticket, refund_sent):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)
    ticket.refresh_from_db()

    response = apply(as_agent, ticket, refund_sent, **htmx())

    assert response.status_code == 400
    assert "is closed" in response.content.decode()


def test_a_move_to_a_closed_queue_is_refused(as_agent, ticket, refunds):
    macro = Macro.objects.create(title="To refunds", set_queue=refunds)
    refunds.is_active = False
    refunds.save(update_fields=["is_active"])

    response = apply(as_agent, ticket, macro, **htmx())

    assert response.status_code == 400
    assert "The queue Refunds is closed." in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).queue.slug == "payments"


def test_secrets_in_a_macro_reply_are_redacted_like_any_reply(as_agent, agent, ticket):
    macro = Macro.objects.create(title="Bad", reply_body="Your OTP is 123456, PIN 654321")

    apply(as_agent, ticket, macro)

    body = ticket.messages.get(author_user=agent).body
    assert "123456" not in body


def test_a_chinese_macro_is_offered_on_a_chinese_ticket(as_agent, payments, customer):
    ticket = TicketFactory(queue=payments, requester=customer.contact, language="zh-hans")
    macro = Macro.objects.create(
        title="已退款", language="zh-hans", reply_body="{customer_name} 您好,退款已发出。"
    )

    assert apply(as_agent, ticket, macro).status_code == 302

    assert ticket.messages.filter(body="Siti Customer 您好,退款已发出。").exists()
