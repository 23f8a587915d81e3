import pytest

from tests.files import executable, png
from tickets import attachments
from tickets.models import Message

from .conftest import problem_of

pytestmark = pytest.mark.django_db


def attach(ticket, *, internal: bool = False, agent=None):
    message = Message.objects.create(
        ticket=ticket,
        kind="internal" if internal else "public",
        author_type="agent" if internal else "customer",
        author_user=agent,
        author_contact=None if internal else ticket.requester,
        body="see file",
    )
    return attachments.store(attachments.clean_upload(png()), ticket=ticket, message=message)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("customer", 200),
        ("other_customer", 404),
        ("guest", 200),
        ("agent", 200),
        ("agent_of_other_queue", 404),
        ("lead", 200),
        ("admin", 200),
        ("anonymous", 401),
    ],
)
def test_it_downloads_through_the_ticket_access_check(role, expected, caller, ticket):
    file = attach(ticket)

    response = caller(role).get(f"/api/v1/tickets/{ticket.reference}/attachments/{file.pk}/")

    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content)[:4] == b"\x89PNG"
    else:
        problem_of(response)


@pytest.mark.parametrize(("role", "expected"), [("customer", 404), ("agent", 200)])
def test_it_keeps_the_files_of_internal_notes_for_staff(role, expected, caller, ticket, agent):
    file = attach(ticket, internal=True, agent=agent)

    client = caller(role)
    listed = client.get(f"/api/v1/tickets/{ticket.reference}/attachments/").json()
    response = client.get(f"/api/v1/tickets/{ticket.reference}/attachments/{file.pk}/")

    assert response.status_code == expected
    assert (file.pk in [row["id"] for row in listed]) == (expected == 200)


def test_it_uploads_files_with_a_reply_checked_by_content(caller, ticket):
    client = caller("customer")

    response = client.post(
        f"/api/v1/tickets/{ticket.reference}/messages/",
        {"body": "Here is the receipt", "attachments": [png()]},
        format="multipart",
    )
    refused = client.post(
        f"/api/v1/tickets/{ticket.reference}/messages/",
        {"body": "And this", "attachments": [executable()]},
        format="multipart",
    )

    assert response.status_code == 201
    [uploaded] = response.json()["message"]["attachments"]
    assert uploaded["content_type"] == "image/png"
    assert client.get(uploaded["download_url"]).status_code == 200
    assert refused.status_code == 400
    assert "not a picture or a PDF" in problem_of(refused)["errors"]["attachments"][0]
