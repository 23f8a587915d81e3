"""The database keeps the audit log append-only: an UPDATE or a DELETE is refused, whoever
sends it, except the retention purge's (audit.purge_older_than)."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

import audit
from audit.models import AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def entry(**fields) -> AuditEntry:
    return AuditEntry.objects.create(kind=AuditEntry.Kind.TICKET_VIEW, **fields)


def test_it_refuses_to_change_a_row():
    row = entry(ticket_reference="GP-AAAAAA")

    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        AuditEntry.objects.filter(pk=row.pk).update(ticket_reference="GP-BBBBBB")

    row.refresh_from_db()
    assert row.ticket_reference == "GP-AAAAAA"


def test_it_refuses_to_delete_a_row():
    row = entry()

    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        row.delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditentry")

    assert AuditEntry.objects.filter(pk=row.pk).exists()


def test_the_purge_deletes_the_old_rows_in_batches_and_nothing_else():
    now = timezone.now()
    for days in (400, 390, 380, 370, 366):
        entry(at=now - timedelta(days=days))
    recent = entry()

    deleted = audit.purge_older_than(now - timedelta(days=365), batch_size=2)

    assert deleted == 5
    assert list(AuditEntry.objects.all()) == [recent]
    # The purge let its own deletes through, and nothing after them.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        recent.delete()


def test_a_staff_account_with_audit_rows_is_kept(agent):
    audit.record_as(agent, audit.Kind.SEARCH, detail="q=refund")

    with pytest.raises(ProtectedError):
        agent.delete()
