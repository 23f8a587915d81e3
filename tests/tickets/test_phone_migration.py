"""The data migration to E.164 (tickets/migrations/0018): every spelling of a number becomes
one, a value it cannot read is kept as it was, and a ticket's registered phone follows."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from tests.factories import ContactFactory, TicketFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("tickets.migrations.0018_phone_numbers_in_e164")

OLD_VALUES = {
    "081234567890": "+6281234567890",
    "+6281234567890": "+6281234567890",
    "6281234567890": "+6281234567890",
    "62812345678": "+62812345678",  # not +62 62812345678
    "6281234567": "6281234567",  # +62 81234567 is too short: kept as typed
    "+8613800138000": "+8613800138000",
    "12345": "12345",  # not a number any plan has: kept, never lost
    "call me": "call me",
}


def _raw_phone(contact) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM tickets_contact WHERE id = %s", [contact.pk])
        return cursor.fetchone()[0]


def test_old_spellings_become_e164_and_unreadable_values_stay():
    contacts = {}
    for old in OLD_VALUES:
        contact = ContactFactory()
        with connection.cursor() as cursor:  # as the old field stored it, unparsed
            cursor.execute("UPDATE tickets_contact SET phone = %s WHERE id = %s", [old, contact.pk])
        contacts[old] = contact
    blank = ContactFactory(phone="")
    ticket = TicketFactory(
        category_id="account_access", details={"registered_phone": "0812-3456-7890"}
    )
    other = TicketFactory(details={"amount": "45.000"})

    with connection.schema_editor() as editor:
        migration.to_e164(apps, editor)

    assert {old: _raw_phone(contact) for old, contact in contacts.items()} == OLD_VALUES
    assert _raw_phone(blank) == ""
    ticket.refresh_from_db()
    other.refresh_from_db()
    assert ticket.details == {"registered_phone": "+6281234567890"}
    assert other.details == {"amount": "45.000"}
