"""The audit log in the admin: read-only for everyone, superusers included; searchable; its CSV
export streams the rows as filtered and is itself recorded."""

import csv
import io
import re

import pytest

import audit
from audit.models import AuditEntry

from .conftest import BUDI_AT_HOME, entries, through_nginx

pytestmark = pytest.mark.django_db

LIST = "/admin/audit/auditentry/"


@pytest.fixture
def logged(agent, lead, ticket):
    return [
        audit.record_as(agent, audit.Kind.TICKET_VIEW, ticket=ticket),
        audit.record_as(agent, audit.Kind.SEARCH, detail="q=refund in my queues", count=3),
        audit.record_as(lead, audit.Kind.ATTACHMENT_DOWNLOAD, ticket=ticket, attachment_id=7),
    ]


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def test_nobody_adds_changes_or_deletes_an_entry(as_admin, logged):
    row = logged[0]

    assert as_admin.get(f"{LIST}add/").status_code == 403
    assert as_admin.post(f"{LIST}{row.pk}/change/", {"detail": "x"}).status_code == 403
    assert as_admin.post(f"{LIST}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    html = as_admin.get(f"{LIST}{row.pk}/change/").content.decode()
    assert row.ticket_reference in html
    assert 'name="_save"' not in html
    assert "delete_selected" not in as_admin.get(LIST).content.decode()
    assert AuditEntry.objects.get(pk=row.pk).detail == row.detail


def test_an_agent_or_a_lead_does_not_read_it(client, lead, logged):
    lead.is_staff = True  # reaches the admin for canned responses
    lead.save(update_fields=["is_staff"])
    client.force_login(lead)

    assert client.get(LIST).status_code == 403


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("BUDI", {"ticket_view", "search"}),
        ("attachment_download", {"attachment_download"}),
        ("7", {"attachment_download"}),
    ],
)
def test_it_finds_entries_by_actor_ticket_customer_or_kind(as_admin, logged, agent, term, expected):
    term = agent.email.upper() if term == "BUDI" else term

    html = as_admin.get(LIST, {"q": term}).content.decode()

    labels = {str(AuditEntry.Kind(kind).label): kind for kind in expected}
    assert set(re.findall(r'class="field-kind">([^<]*)<', html)) == set(labels)


def test_it_finds_a_ticket_and_a_customer(as_admin, logged, ticket):
    by_ticket = as_admin.get(LIST, {"q": ticket.reference.lower()}).content.decode()
    by_customer = as_admin.get(LIST, {"q": str(ticket.requester_id)}).content.decode()

    assert "1 result" not in by_ticket  # the view and the download
    assert "2 results" in by_ticket
    assert "2 results" in by_customer


def rows_of(response) -> list[dict]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_the_export_streams_the_filtered_rows_and_is_recorded(as_admin, admin_user, logged):
    response = as_admin.get(f"{LIST}export/", {"kind__exact": "search"}, **through_nginx())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = rows_of(response)
    assert [row["kind"] for row in rows] == ["search"]
    assert rows[0]["detail"] == "q=refund in my queues"
    [export] = entries(kind=AuditEntry.Kind.AUDIT_EXPORT)
    assert (export.actor, export.count, export.address) == (admin_user, 1, BUDI_AT_HOME)
    assert export.detail == "kind__exact=search"


def test_the_changelist_links_its_filters_to_the_export(as_admin, logged):
    html = as_admin.get(LIST, {"kind__exact": "search"}).content.decode()

    assert f'href="{LIST}export/?kind__exact=search"' in html


def test_the_export_action_streams_the_selected_rows_and_is_recorded(as_admin, logged):
    chosen = [logged[0].pk, logged[2].pk]

    response = as_admin.post(
        LIST, {"action": "export_selected", "_selected_action": chosen, "index": 0}
    )

    assert sorted(int(row["id"]) for row in rows_of(response)) == sorted(chosen)
    assert len(entries(kind=AuditEntry.Kind.AUDIT_EXPORT)) == 1


def test_a_formula_in_a_cell_is_not_run_by_a_spreadsheet(as_admin, agent):
    audit.record_as(agent, audit.Kind.SEARCH, detail='=HYPERLINK("http://x")')

    rows = rows_of(as_admin.get(f"{LIST}export/", {"kind__exact": "search"}))

    assert rows[0]["detail"].startswith("'=")
