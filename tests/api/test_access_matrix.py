"""Every ticket endpoint for every persona: who is allowed, and what everyone else gets.

Denials follow tickets.access: a ticket the caller may not see is 404 (never confirmed); a
staff-only action by someone who sees the ticket as its customer is 403; nobody is 401.
"""

import pytest

from tests.factories import TicketFactory
from tickets.models import Message, Ticket

from .conftest import ROLES, problem_of

pytestmark = pytest.mark.django_db

SEE = {
    "customer": 200,
    "other_customer": 404,
    "guest": 200,
    "agent": 200,
    "agent_of_other_queue": 404,
    "lead": 200,
    "admin": 200,
    "anonymous": 401,
}
STAFF_ACTION = {
    "customer": 403,
    "other_customer": 403,
    "guest": 403,
    "agent": 200,
    "agent_of_other_queue": 404,
    "lead": 200,
    "admin": 200,
    "anonymous": 401,
}


def created(table: dict) -> dict:
    return {role: 201 if code == 200 else code for role, code in table.items()}


def resolved(ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED)


def second_ticket(ticket):
    return TicketFactory(requester=ticket.requester, queue=ticket.queue).reference


CASES = {
    "read": ("get", "/api/v1/tickets/{ref}/", None, None, SEE),
    "thread": ("get", "/api/v1/tickets/{ref}/messages/", None, None, SEE),
    "attachments": ("get", "/api/v1/tickets/{ref}/attachments/", None, None, SEE),
    "reply": ("post", "/api/v1/tickets/{ref}/messages/", {"body": "Any news?"}, None, created(SEE)),
    "note": ("post", "/api/v1/tickets/{ref}/notes/", {"body": "Ask BRI"}, None, created(STAFF_ACTION)),  # noqa: E501
    "change": ("patch", "/api/v1/tickets/{ref}/", {"priority": "urgent"}, None, STAFF_ACTION),
    "merge": ("post", "/api/v1/tickets/{ref}/merge/", {"into": "{other}"}, second_ticket, STAFF_ACTION),  # noqa: E501
    "rate": (
        "post",
        "/api/v1/tickets/{ref}/rating/",
        {"score": 5},
        resolved,
        {
            "customer": 201,
            "other_customer": 404,
            "guest": 201,
            "agent": 403,
            "agent_of_other_queue": 403,
            "lead": 403,
            "admin": 403,
            "anonymous": 401,
        },
    ),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES)
def test_it_allows_and_denies_each_ticket_endpoint_by_role(case, role, caller, ticket):
    method, path, body, setup, expected = CASES[case]
    other = setup(ticket) if setup else None
    if isinstance(body, dict):
        body = {k: v.format(other=other) if isinstance(v, str) else v for k, v in body.items()}
    client = caller(role)

    response = getattr(client, method)(path.format(ref=ticket.reference), body, format="json")

    assert response.status_code == expected[role], response.content[:400]
    if response.status_code >= 400:
        problem_of(response)


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_only_the_tickets_a_caller_may_see(role, caller, ticket, refunds):
    elsewhere = TicketFactory(queue=refunds)

    response = caller(role).get("/api/v1/tickets/")

    if role == "anonymous":
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        return
    assert response.status_code == 200
    listed = {row["reference"] for row in response.json()["results"]}
    assert (ticket.reference in listed) == (SEE[role] == 200)
    assert (elsewhere.reference in listed) == (role in ("admin", "agent_of_other_queue"))


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_staff_fields_and_notes_to_staff_only(role, caller, ticket, agent):
    Message.objects.create(
        ticket=ticket, kind="internal", author_type="agent", author_user=agent, body="psst"
    )

    response = caller(role).get(f"/api/v1/tickets/{ticket.reference}/")

    if SEE[role] != 200:
        return
    body = response.json()
    staff = role in ("agent", "lead", "admin")
    assert (body["queue"] == "payments") == staff
    assert (body["requester"] is not None) == staff
    assert any(m["kind"] == "internal" for m in body["messages"]) == staff


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("customer", 403),
        ("guest", 403),
        ("agent", 200),
        ("agent_of_other_queue", 200),
        ("lead", 200),
        ("admin", 200),
        ("anonymous", 401),
    ],
)
def test_it_lists_queues_for_staff_only(role, expected, caller):
    response = caller(role).get("/api/v1/queues/")

    assert response.status_code == expected
    if role == "agent_of_other_queue":
        assert [q["slug"] for q in response.json()] == ["refunds"]
    if role == "admin":
        assert len(response.json()) >= 5


@pytest.mark.parametrize("role", ROLES)
def test_it_tells_everyone_but_nobody_who_they_are(role, caller, ticket):
    response = caller(role).get("/api/v1/me/")

    if role == "anonymous":
        assert problem_of(response)["status"] == 401
        return
    assert response.status_code == 200
    expected = {
        "customer": "customer",
        "other_customer": "customer",
        "guest": "guest",
        "agent": "agent",
        "agent_of_other_queue": "agent",
        "lead": "lead",
        "admin": "admin",
    }[role]
    assert response.json()["role"] == expected
    if role == "guest":
        assert response.json()["tickets"] == [ticket.reference]
