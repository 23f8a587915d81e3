"""Which ticket changes write which notifications, in the same transaction, published after
commit, once per cause (docs/design.md section 7)."""

import pytest
from django.core import mail
from django.db import transaction

from notifications import outbox
from tests.factories import ContactFactory, TicketFactory
from tickets import assignment, services
from tickets.models import Message, Notification, NotificationPreference, Ticket, TicketEvent
from tickets.services import Actor

pytestmark = pytest.mark.django_db

Template = Notification.Template


def _templates(ticket) -> list[tuple[str, str]]:
    return list(ticket.notifications.order_by("pk").values_list("template", "recipient"))


def _new_ticket(**fields) -> Ticket:
    return services.create_ticket(
        requester=fields.pop("requester", None) or ContactFactory(language="zh-hans"),
        category="payment_failed",
        subject="QRIS payment failed",
        body="Saldo terpotong tapi merchant belum terima.",
        **fields,
    )


def test_it_writes_a_receipt_in_the_tickets_language_with_the_ticket():
    ticket = _new_ticket(language="zh-hans")

    (receipt,) = ticket.notifications.all()
    assert receipt.template == Template.TICKET_CREATED
    assert receipt.recipient == ticket.requester.email
    assert receipt.language == "zh-hans"
    assert receipt.audience == Notification.Audience.CUSTOMER
    assert receipt.status == Notification.Status.PENDING
    assert receipt.event.kind == TicketEvent.Kind.CREATED
    assert receipt.idempotency_key == f"event:{receipt.event_id}:ticket_created"
    assert receipt.message_id.startswith(f"<{ticket.reference}.")
    assert receipt.message_id.endswith("@127.0.0.1>")


def test_it_keeps_only_ids_and_small_facts_in_the_context(agent):
    ticket = _new_ticket()

    reply = services.add_agent_message(ticket=ticket, agent=agent, body="Kode OTP 123456?")

    notification = ticket.notifications.get(template=Template.AGENT_REPLIED)
    assert notification.context == {"reference": ticket.reference, "message": reply.pk}


def test_it_writes_nothing_when_the_change_rolls_back():
    def fail_after_saving() -> None:
        with transaction.atomic():
            _new_ticket()
            raise RuntimeError("the request failed after the ticket was saved")

    with pytest.raises(RuntimeError):
        fail_after_saving()

    assert Notification.objects.count() == 0


def test_it_publishes_delivery_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        ticket = _new_ticket()
        assert mail.outbox == []

    # The outbox's one enqueue, beside the live updates to open staff pages (tickets/live.py).
    deliveries = [c for c in callbacks if getattr(c, "func", None) is not None]
    assert len(deliveries) == 1
    assert mail.outbox == []
    deliveries[0]()
    assert len(mail.outbox) == 1
    assert ticket.notifications.get().status == Notification.Status.SENT


def test_it_writes_one_notification_per_key():
    ticket = TicketFactory()
    event = services.record_event(ticket, TicketEvent.Kind.LINK_SENT, Actor.system())

    again = outbox.notify(
        ticket=ticket,
        template=Template.ACCESS_LINK,
        recipient=ticket.requester.email,
        language="en",
        key=f"event:{event.pk}:access_link",
    )

    assert again is None
    assert ticket.notifications.count() == 1


def test_it_sends_no_second_receipt_for_a_double_submit():
    first = _new_ticket(idempotency_key="web:abc")
    second = _new_ticket(idempotency_key="web:abc")

    assert first.pk == second.pk
    assert Notification.objects.count() == 1


def test_it_emails_the_customer_an_agent_reply_and_threads_it_by_its_message_id(agent, ticket):
    message = services.add_agent_message(ticket=ticket, agent=agent, body="We are checking.")

    notification = ticket.notifications.get(template=Template.AGENT_REPLIED)
    message.refresh_from_db()
    assert message.email_message_id == notification.message_id
    assert notification.recipient == ticket.requester.email


def test_it_never_emails_the_customer_an_internal_note(agent, ticket):
    services.add_agent_message(ticket=ticket, agent=agent, body="Ask the bank.", internal=True)

    assert _templates(ticket) == []


def test_it_says_a_status_set_by_a_reply_in_that_reply_not_a_second_email(agent, ticket):
    services.add_agent_message(
        ticket=ticket, agent=agent, body="Which bank?", set_status="pending_customer"
    )

    (reply,) = ticket.notifications.all()
    assert reply.template == Template.AGENT_REPLIED
    assert reply.context["status"] == "pending_customer"


@pytest.mark.parametrize(
    ("status", "template"),
    [("pending_customer", Template.PENDING_CUSTOMER), ("resolved", Template.TICKET_RESOLVED)],
)
def test_it_emails_the_customer_when_an_agent_changes_the_status(agent, ticket, status, template):
    services.change_status(ticket=ticket, status=status, by=Actor.agent(agent))

    assert _templates(ticket) == [(template, ticket.requester.email)]


def test_it_does_not_email_customers_about_their_own_status_change(ticket):
    services.change_status(ticket=ticket, status="resolved", by=Actor.customer(ticket.requester))

    assert _templates(ticket) == []


def test_it_does_not_email_about_reopening_or_putting_on_hold(agent, ticket):
    services.change_status(ticket=ticket, status="on_hold", by=Actor.agent(agent))
    services.change_status(ticket=ticket, status="open", by=Actor.agent(agent))

    assert _templates(ticket) == []


def test_it_emails_a_fresh_link_as_a_notification(ticket):
    services.send_access_link(ticket=ticket, by=Actor.customer(ticket.requester))
    services.send_access_link(ticket=ticket, by=Actor.customer(ticket.requester))

    assert _templates(ticket) == [(Template.ACCESS_LINK, ticket.requester.email)] * 2


def test_it_tells_the_customer_once_when_a_duplicate_is_merged(agent, customer):
    duplicate = TicketFactory(requester=customer.contact)
    original = TicketFactory(requester=customer.contact)

    services.merge_tickets(source=duplicate, target=original, by=Actor.agent(agent))

    assert _templates(duplicate) == [(Template.TICKET_MERGED, customer.email)]
    assert duplicate.notifications.get().context["into"] == original.reference
    assert _templates(original) == []


def test_it_emails_an_agent_a_ticket_assigned_to_them_by_someone_else(agent, lead, ticket):
    assignment.assign(ticket=ticket, assignee=agent, by=lead)

    (assigned,) = ticket.notifications.all()
    assert (assigned.template, assigned.recipient_user) == (Template.ASSIGNED, agent)
    assert assigned.audience == Notification.Audience.AGENT
    assert assigned.context["by"] == "Rina Lead"
    assert assigned.language == agent.language


def test_it_does_not_email_agents_who_take_a_ticket_themselves(agent, ticket):
    assignment.assign(ticket=ticket, assignee=agent, by=agent)

    assert _templates(ticket) == []


def test_it_emails_a_customer_reply_to_the_assignee(agent, lead, ticket):
    assignment.assign(ticket=ticket, assignee=agent, by=agent)

    services.add_customer_message(ticket=ticket, contact=ticket.requester, body="Any news?")

    assert _templates(ticket) == [(Template.CUSTOMER_REPLIED, agent.email)]


def test_it_emails_a_customer_reply_on_an_unassigned_ticket_to_the_queues_leads(
    agent, lead, ticket
):
    services.add_customer_message(ticket=ticket, contact=ticket.requester, body="Any news?")

    assert _templates(ticket) == [(Template.CUSTOMER_REPLIED, lead.email)]


def test_it_writes_nothing_for_an_email_an_agent_muted(agent, lead, ticket):
    NotificationPreference.objects.create(user=agent, assigned=False)

    assignment.assign(ticket=ticket, assignee=agent, by=lead)

    assert _templates(ticket) == []


def test_it_skips_agents_who_left(agent, lead, ticket):
    lead.is_active = False
    lead.save(update_fields=["is_active"])

    services.add_customer_message(ticket=ticket, contact=ticket.requester, body="Halo?")

    assert _templates(ticket) == []


def test_it_threads_later_customer_emails_after_the_earlier_ones(agent):
    ticket = _new_ticket()
    receipt = ticket.notifications.get(template=Notification.Template.TICKET_CREATED)
    services.add_agent_message(ticket=ticket, agent=agent, body="First answer.")
    services.add_customer_message(
        ticket=ticket,
        contact=ticket.requester,
        body="My answer by email.",
        source=Message.Source.EMAIL,
        email_message_id="<customer-1@mail.example.net>",
    )
    services.add_agent_message(ticket=ticket, agent=agent, body="Second answer.")

    first, second = ticket.notifications.filter(template=Template.AGENT_REPLIED).order_by("pk")
    assert receipt.in_reply_to == receipt.references == ""
    assert first.in_reply_to == receipt.message_id
    assert first.references == receipt.message_id
    assert second.in_reply_to == "<customer-1@mail.example.net>"
    assert second.references.split() == [
        receipt.message_id,
        first.message_id,
        "<customer-1@mail.example.net>",
    ]


def test_it_keeps_the_first_and_the_latest_ids_in_long_threads(agent, ticket):
    for n in range(14):
        services.add_agent_message(ticket=ticket, agent=agent, body=f"Update {n}.")

    replies = list(ticket.notifications.order_by("pk"))
    references = replies[-1].references.split()
    assert len(references) == outbox.REFERENCES_KEPT
    assert references[0] == replies[0].message_id
    assert references[-1] == replies[-2].message_id


def test_it_threads_an_agents_emails_about_a_ticket_separately_from_the_customers(
    agent, lead, ticket
):
    services.add_agent_message(ticket=ticket, agent=lead, body="For the customer.")
    assignment.assign(ticket=ticket, assignee=agent, by=lead)
    services.add_customer_message(ticket=ticket, contact=ticket.requester, body="Thanks!")

    assigned = ticket.notifications.get(template=Template.ASSIGNED)
    replied = ticket.notifications.get(template=Template.CUSTOMER_REPLIED)
    assert assigned.in_reply_to == ""
    assert replied.in_reply_to == assigned.message_id
