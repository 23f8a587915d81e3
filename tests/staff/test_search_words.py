"""The words of a ticket's subject and messages live on the ticket row, per queue (migration
0011), kept current by triggers: whatever writes a message or moves a ticket, the staff search
finds it there."""

import pytest
from django.db import connection

from tests.factories import TicketFactory
from tests.staff.conftest import htmx
from tickets.models import Message, Ticket
from tickets.services import add_agent_message

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def found(client, text: str) -> list[str]:
    from tests.staff.test_queue import refs

    return refs(client.get("/staff/queue/", {"q": text, "view": "all"}))


def words(ticket) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT words::text FROM tickets_ticket WHERE id = %s", [ticket.pk])
        return cursor.fetchone()[0] or ""


def test_a_reply_sent_from_the_ticket_page_is_found(as_agent, ticket):
    assert found(as_agent, "mutasi") == []

    as_agent.post(
        f"/staff/tickets/{ticket.reference}/reply/",
        {
            "body": "Please send the mutasi rekening",
            "kind": "public",
            "seen": ticket.messages.last().pk,
        },
        **htmx(),
    )

    assert found(as_agent, "mutasi") == [ticket.reference]


def test_an_internal_note_is_found_by_staff(as_agent, ticket, agent):
    add_agent_message(
        ticket=ticket, agent=agent, body="Escalated to Bank Mandiri ops", internal=True
    )

    assert found(as_agent, "mandiri") == [ticket.reference]


def test_after_a_merge_the_words_belong_to_the_target(as_agent, ticket, customer):
    duplicate = TicketFactory(
        requester=customer.contact, queue=ticket.queue, first_message="Indomaret kasir error"
    )
    assert found(as_agent, "indomaret") == [duplicate.reference]

    as_agent.post(
        f"/staff/tickets/{duplicate.reference}/merge/", {"into": ticket.reference}, **htmx()
    )

    assert found(as_agent, "indomaret") == [ticket.reference]
    assert "indomaret" not in words(duplicate)


def test_edited_and_deleted_messages_take_their_words_with_them(as_agent, ticket):
    message = ticket.messages.get()
    Message.objects.filter(pk=message.pk).update(body="Alfamart receipt attached")
    assert found(as_agent, "alfamart") == [ticket.reference]

    Message.objects.filter(pk=message.pk).delete()

    assert found(as_agent, "alfamart") == []
    assert "alfamart" not in words(ticket)


def test_one_statement_writing_messages_of_several_tickets_updates_each(as_agent, payments):
    first, second = TicketFactory(queue=payments), TicketFactory(queue=payments)

    Message.objects.bulk_create(
        Message(ticket=ticket, author_type="agent", kind="internal", body=f"Dompet {word}")
        for ticket, word in ((first, "pertama"), (second, "kedua"))
    )

    assert found(as_agent, "dompet") == [second.reference, first.reference]
    assert found(as_agent, "kedua") == [second.reference]


def test_a_very_long_thread_keeps_its_newest_words_and_takes_new_messages(as_agent, ticket, agent):
    filler = " ".join(f"word{n}" for n in range(2_000))  # ~18,000 characters per message
    Message.objects.bulk_create(
        Message(ticket=ticket, author_type="agent", kind="internal", body=filler) for _ in range(15)
    )

    add_agent_message(ticket=ticket, agent=agent, body="Latest: Shopeepay confirmed", internal=True)

    assert found(as_agent, "shopeepay") == [ticket.reference]
    assert found(as_agent, "word1999") == [ticket.reference]


def test_moving_a_ticket_to_another_queue_moves_its_words(
    as_agent, client_factory, admin_user, ticket, refunds
):
    assert found(as_agent, "payment") == [ticket.reference]  # the factory's subject
    as_admin = client_factory()
    as_admin.force_login(admin_user)

    Ticket.objects.filter(pk=ticket.pk).update(queue=refunds)

    assert found(as_agent, "payment") == []
    assert found(as_admin, "payment") == [ticket.reference]
    assert f"'{refunds.pk}/" in words(ticket)
    assert f"'{ticket.queue_id}/" not in words(ticket)


def test_a_changed_subject_is_searched(as_agent, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(subject="Top-up via Indomaret gagal")

    assert found(as_agent, "indomaret gagal") == [ticket.reference]
    assert found(as_agent, "top-up") == [ticket.reference]


@pytest.mark.parametrize(
    ("body", "query"),
    [
        ("Saldo terpotong Rp129.000 tapi gagal", "Rp129.000"),
        ("My e-wallet shows nothing", "e-wallet"),
        ("My e-wallet shows nothing", "wallet"),
        ("Refunded yesterday", "refu"),
        ("退款还没到账", "还没到"),
        ("Kenapa saldo_ku hilang?", "saldo_ku"),
        ("Isn't it O'Brien's card?", "o'brien's"),
    ],
)
def test_words_are_cut_as_the_index_cuts_them(as_agent, ticket, agent, body, query):
    add_agent_message(ticket=ticket, agent=agent, body=body, internal=True)

    assert found(as_agent, query) == [ticket.reference]


@pytest.mark.parametrize("query", ["\\", "'", ":*", "a & | b", "(", "!x <->"])
def test_tsquery_syntax_in_a_search_is_only_text(as_agent, ticket, query):
    response = as_agent.get("/staff/queue/", {"q": query, "view": "all"})

    assert response.status_code == 200


def test_a_pasted_blob_does_not_stop_the_message_and_the_rest_is_searched(as_agent, ticket, agent):
    blob = "A" * 2_046  # a word PostgreSQL indexes, too long once its queue is prefixed

    add_agent_message(
        ticket=ticket, agent=agent, body=f"Screenshot {blob} from Dana", internal=True
    )

    assert ticket.messages.filter(body__contains=blob).exists()
    assert found(as_agent, "dana") == [ticket.reference]


def test_the_systems_own_notes_are_not_searched(as_agent, ticket):
    Message.objects.create(
        ticket=ticket, author_type="system", kind="internal", body="SLA breached: escalated"
    )

    assert found(as_agent, "breached") == []
    assert "breached" not in words(ticket)
