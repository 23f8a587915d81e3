from io import StringIO

import pytest
from django.core.management import call_command

from tickets import roles
from tickets.macros import apply_macro
from tickets.models import Contact, Macro, Message, Queue, Ticket, User


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_loads_queues_users_and_tickets_in_three_languages():
    output = _seed()

    assert Queue.objects.count() == 5
    assert Ticket.objects.count() >= 30
    assert set(Ticket.objects.values_list("language", flat=True)) == {"id", "en", "zh-hans"}
    assert set(Ticket.objects.values_list("category", flat=True)) == {
        "payment_failed",
        "refund",
        "account_access",
        "suspicious_transaction",
        "complaint",
        "how_to",
        "app_problem",
    }
    assert len(set(Ticket.objects.values_list("status", flat=True))) == 6
    assert Message.objects.filter(author_type="agent").exists()
    assert roles.is_admin(User.objects.get(email="admin@example.com"))
    assert "admin@example.com" in output
    assert "demo-pass-2026" in output


@pytest.mark.django_db
def test_it_can_run_again_without_duplicating_anything():
    _seed()
    counts = (Ticket.objects.count(), Message.objects.count(), Contact.objects.count())

    output = _seed()

    assert (Ticket.objects.count(), Message.objects.count(), Contact.objects.count()) == counts
    assert "(0 new)" in output


@pytest.mark.django_db
def test_it_backdates_tickets_so_queues_show_realistic_ages():
    _seed()

    oldest, newest = (
        Ticket.objects.order_by(order).first() for order in ("created_at", "-created_at")
    )
    assert (newest.created_at - oldest.created_at).days >= 15
    for ticket in Ticket.objects.exclude(first_response_at=None):
        assert ticket.created_at < ticket.first_response_at


@pytest.mark.django_db
def test_every_demo_ticket_opens_for_staff_and_its_customer(client):
    # The demo's structured fields pass the category forms' validation (seed_demo refuses
    # what a customer could not send): no page of theirs may fail.
    _seed()
    lead = User.objects.get(email="lead@example.com")

    for ticket in Ticket.objects.select_related("requester"):
        client.force_login(lead)
        assert client.get(f"/staff/tickets/{ticket.reference}/").status_code == 200, ticket
        if ticket.requester.user_id:
            client.force_login(ticket.requester.user)
            assert client.get(f"/tickets/{ticket.reference}/").status_code == 200, ticket


def test_details_stored_by_hand_are_shown_as_they_are():
    from tickets.forms import describe_details

    shown = dict(
        describe_details(
            "suspicious_transaction",
            {"amount": "", "transaction_references": "", "freeze_account": False},
        )
    )
    assert "Amount" not in shown
    assert dict(describe_details("payment_failed", {"amount": "lima ribu"}))["Amount"] == (
        "IDR lima ribu"
    )


@pytest.mark.django_db
def test_it_adds_macros_in_each_language_that_apply_to_a_demo_ticket():
    _seed()
    _seed()  # and once only

    assert set(Macro.objects.values_list("language", flat=True)) == {"id", "en", "zh-hans", ""}
    assert Macro.objects.filter(title="Refund sent: tell the customer and wait").count() == 1
    refund = Ticket.objects.filter(queue__slug="refunds", language="en").open().first()
    lead = User.objects.get(email="lead@example.com")  # may take any refunds ticket
    macro = Macro.objects.for_ticket(refund).get(title="Refund sent: tell the customer and wait")

    apply_macro(macro=macro, ticket=refund, agent=lead, version=None)

    refund.refresh_from_db()
    assert (refund.status, refund.assignee) == (Ticket.Status.PENDING_CUSTOMER, lead)
    assert "refund-sent" in refund.tags.values_list("name", flat=True)
