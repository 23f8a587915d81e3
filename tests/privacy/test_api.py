"""GET /api/v1/customers/<id>/export/ and POST /api/v1/customers/<id>/erasure/."""

import io
import zipfile

import pytest

from tests.api.conftest import api_key
from tickets.models import Contact, Ticket

pytestmark = pytest.mark.postgres


def call(client, user, method, path, scopes=("read", "write"), **kwargs):
    headers = {"Authorization": f"Bearer {api_key(user, *scopes)}"}
    return getattr(client, method)(path, headers=headers, content_type="application/json", **kwargs)


def test_it_exports_a_zip_for_a_lead(client, lead, ticket):
    response = call(client, lead, "get", f"/api/v1/customers/{ticket.requester_id}/export/")

    assert response.status_code == 200
    assert response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "tickets.json" in archive.namelist()


def test_an_agent_gets_a_problem_403(client, agent, ticket):
    for method, path in (
        ("get", f"/api/v1/customers/{ticket.requester_id}/export/"),
        ("post", f"/api/v1/customers/{ticket.requester_id}/erasure/"),
    ):
        response = call(client, agent, method, path, data={"reason": "x"})
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"


def test_a_lead_cannot_erase(client, lead, ticket):
    response = call(
        client,
        lead,
        "post",
        f"/api/v1/customers/{ticket.requester_id}/erasure/",
        data={"reason": "x"},
    )
    assert response.status_code == 403


def test_an_admin_erases_and_a_second_call_says_it_was_done(client, admin_user, ticket):
    path = f"/api/v1/customers/{ticket.requester_id}/erasure/"

    first = call(
        client, admin_user, "post", path, data={"reason": "GP-REQ", "open_tickets": "close"}
    )
    second = call(client, admin_user, "post", path, data={"reason": "again"})

    assert first.status_code == 200, first.content
    assert first.json()["already_erased"] is False
    assert first.json()["closed"] == 1
    assert second.status_code == 200
    assert second.json()["already_erased"] is True
    assert "already erased" in second.json()["detail"]
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CLOSED


def test_open_tickets_need_a_choice(client, admin_user, ticket):
    response = call(
        client,
        admin_user,
        "post",
        f"/api/v1/customers/{ticket.requester_id}/erasure/",
        data={"reason": "GP-REQ"},
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "open_tickets" in response.json()["errors"]
    assert Contact.objects.get(pk=ticket.requester_id).erased_at is None


def test_bad_input_is_a_problem_400(client, admin_user, ticket):
    response = call(
        client,
        admin_user,
        "post",
        f"/api/v1/customers/{ticket.requester_id}/erasure/",
        data={"reason": "", "open_tickets": "delete_everything"},
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"reason", "open_tickets"}


def test_an_unknown_customer_is_404(client, admin_user, db):
    response = call(client, admin_user, "get", "/api/v1/customers/999999/export/")
    assert response.status_code == 404


def test_the_endpoints_are_in_the_schema(client, db):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    assert "/api/v1/customers/{customer_id}/export/" in schema["paths"]
    assert "/api/v1/customers/{customer_id}/erasure/" in schema["paths"]
