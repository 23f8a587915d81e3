from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tickets.models import Message, Ticket, TicketEvent


@pytest.mark.django_db
def test_it_generates_tickets_with_three_messages_each_across_queues_and_languages():
    out = StringIO()

    call_command("generate_tickets", "400", stdout=out)

    assert Ticket.objects.count() == 400
    assert Message.objects.count() == 1200
    assert TicketEvent.objects.filter(kind="created").count() == 400
    assert Ticket.objects.values("queue").distinct().count() == 5
    assert set(Ticket.objects.values_list("language", flat=True)) == {"id", "en", "zh-hans"}
    assert Ticket.objects.values("status").distinct().count() == 6
    assert not Ticket.objects.filter(status="new").exclude(assignee=None).exists()
    # Working tickets carry a next deadline for the queue's default sort; the others none.
    assert not Ticket.objects.filter(status__in=["new", "open"], sla_due_at=None).exists()
    assert not Ticket.objects.exclude(status__in=["new", "open"]).exclude(sla_due_at=None).exists()
    assert "Generated 400 tickets" in out.getvalue()


@pytest.mark.django_db
def test_it_adds_to_existing_data_with_unique_references():
    call_command("generate_tickets", "50", stdout=StringIO())
    call_command("generate_tickets", "50", "--seed", "7", stdout=StringIO())

    references = list(Ticket.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 100


def test_it_refuses_a_count_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_tickets", "0")
