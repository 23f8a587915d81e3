import json
import threading
import uuid

import pytest
from django.db import connection

from tests.files import png
from tickets.models import Contact, Notification, SLATimer, Ticket, TicketEvent

from .conftest import api_key, make_client, problem_of, signed_in

PAYMENT_FAILED = {
    "category": "payment_failed",
    "subject": "QRIS payment failed but my balance was debited",
    "description": "The merchant did not receive Rp45.000.",
    "details": {
        "transaction_reference": "TRX-20261121-8F3K2Q",
        "amount": "45.000",
        "currency": "IDR",
        "occurred_at": "2026-11-21T08:14",
        "payment_method": "qris",
        "merchant": "Kedai Kopi Senopati",
    },
}
GUEST = {**PAYMENT_FAILED, "email": "Guest@Example.com", "name": "Tamu"}


@pytest.mark.django_db
def test_it_files_a_signed_in_customers_ticket_like_the_web_form(customer):
    response = signed_in(customer).post("/api/v1/tickets/", PAYMENT_FAILED, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(reference=body["reference"])
    assert response["Location"] == f"/api/v1/tickets/{ticket.reference}/"
    assert ticket.requester == customer.contact
    assert ticket.channel == "api"
    assert ticket.queue.slug == "payments"
    assert ticket.messages.get().source == "api"
    assert body["details"]["amount"] == "45000"
    assert body["details"]["currency"] == "IDR"
    assert body["priority"] == "high"
    assert body["created_at"].endswith("+07:00")
    assert "access_token" not in body
    # The same side effects as the web: an SLA timer, the audit event, the outbox row.
    assert SLATimer.objects.filter(ticket=ticket).exists()
    assert ticket.events.filter(kind=TicketEvent.Kind.CREATED).exists()
    assert Notification.objects.filter(ticket=ticket, template="ticket_created").exists()


@pytest.mark.django_db
def test_it_lets_a_guest_file_and_follow_with_the_token_it_answers(api):
    response = api.post("/api/v1/tickets/", GUEST, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert Ticket.objects.get(reference=body["reference"]).requester.email == "guest@example.com"
    guest = make_client(Authorization=f"GuestLink {body['access_token']}")
    assert guest.get(f"/api/v1/tickets/{body['reference']}/").status_code == 200
    assert guest.get("/api/v1/tickets/").json()["results"][0]["reference"] == body["reference"]


@pytest.mark.django_db
def test_it_needs_an_email_from_a_guest_and_says_which_fields_are_wrong(api):
    data = {**PAYMENT_FAILED, "details": {**PAYMENT_FAILED["details"], "amount": "-5"}}
    data["details"]["colour"] = "red"

    response = api.post("/api/v1/tickets/", data, format="json")

    problem = problem_of(response)
    assert response.status_code == 400
    assert problem["type"].endswith("/api/problems/validation-error")
    assert set(problem["errors"]) == {"email", "details.amount", "details.colour"}
    assert problem["errors"]["details.amount"] == ["The amount must be more than zero."]
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_it_redacts_secrets_and_never_echoes_them_in_errors(customer):
    card = "4111 1111 1111 1111"
    data = {
        **PAYMENT_FAILED,
        "description": f"My card {card} was charged, OTP 123456",
        "details": {**PAYMENT_FAILED["details"], "payment_method": card},
    }
    client = signed_in(customer)

    refused = client.post("/api/v1/tickets/", data, format="json")
    data["details"]["payment_method"] = "qris"
    response = client.post("/api/v1/tickets/", data, format="json")

    assert refused.status_code == 400
    assert "1111 1111 1111" not in refused.content.decode()
    assert response.status_code == 201
    assert set(response.json()["redactions"]) == {"card", "otp"}
    stored = Ticket.objects.get().messages.get().body
    assert card not in stored
    assert "123456" not in stored


@pytest.mark.django_db
def test_it_takes_attachments_as_multipart(customer):
    data = {**PAYMENT_FAILED, "details": json.dumps(PAYMENT_FAILED["details"])}

    response = signed_in(customer).post(
        "/api/v1/tickets/", {**data, "attachments": [png()]}, format="multipart"
    )

    assert response.status_code == 201, response.content
    [attachment] = Ticket.objects.get().attachments.all()
    assert attachment.content_type == "image/png"


@pytest.mark.django_db
def test_it_lets_staff_file_for_a_customer_by_email(agent):
    response = signed_in(agent).post(
        "/api/v1/tickets/", {**GUEST, "email": "phoned@example.com"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert Ticket.objects.get().requester.email == "phoned@example.com"
    assert response.json()["queue"] == "payments"


@pytest.mark.django_db
def test_a_retried_post_with_the_same_idempotency_key_creates_one_ticket(customer, other_customer):
    client = signed_in(customer)
    key = str(uuid.uuid4())

    first = client.post("/api/v1/tickets/", PAYMENT_FAILED, format="json", HTTP_IDEMPOTENCY_KEY=key)
    retry = client.post("/api/v1/tickets/", PAYMENT_FAILED, format="json", HTTP_IDEMPOTENCY_KEY=key)
    other = client.post(
        "/api/v1/tickets/",
        {**PAYMENT_FAILED, "subject": "Another one"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1
    assert problem_of(other)["status"] == 422
    # Another caller's same key is another request.
    assert (
        signed_in(other_customer)
        .post("/api/v1/tickets/", PAYMENT_FAILED, format="json", HTTP_IDEMPOTENCY_KEY=key)
        .status_code
        == 201
    )
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_a_guests_retry_answers_the_same_ticket_without_its_access_token(api):
    first = api.post("/api/v1/tickets/", GUEST, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = api.post("/api/v1/tickets/", GUEST, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.json()["access_token"]
    assert retry.json()["reference"] == first.json()["reference"]
    assert "access_token" not in retry.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_someone_replaying_a_guests_key_and_request_never_gets_into_the_ticket(api):
    # given: a guest filed a ticket; an attacker learnt their address, body and key
    first = api.post("/api/v1/tickets/", GUEST, format="json", HTTP_IDEMPOTENCY_KEY="leaked")
    attacker = make_client()

    # when
    replay = attacker.post("/api/v1/tickets/", GUEST, format="json", HTTP_IDEMPOTENCY_KEY="leaked")

    # then: no token to open it with, and the reference alone opens nothing
    assert "access_token" not in replay.json()
    reference = first.json()["reference"]
    assert attacker.get(f"/api/v1/tickets/{reference}/").status_code in (401, 403, 404)
    assert replay["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_the_same_key_from_another_api_key_of_the_same_user_is_another_request(agent):
    first_secret = api_key(agent, name="wallet app")
    second_secret = api_key(agent, name="chatbot")
    data = {**GUEST, "email": "phoned@example.com"}

    one = make_client(Authorization=f"Bearer {first_secret}").post(
        "/api/v1/tickets/", data, format="json", HTTP_IDEMPOTENCY_KEY="shared-key"
    )
    two = make_client(Authorization=f"Bearer {second_secret}").post(
        "/api/v1/tickets/", data, format="json", HTTP_IDEMPOTENCY_KEY="shared-key"
    )

    assert one.status_code == two.status_code == 201, two.content
    assert one.json()["reference"] != two.json()["reference"]
    assert "Idempotent-Replayed" not in two


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_create_one_ticket(customer):
    # given: five clients sending the same request at the same moment
    barrier = threading.Barrier(5)
    statuses, references = [], []

    def send():
        client = signed_in(customer)
        barrier.wait()
        try:
            response = client.post(
                "/api/v1/tickets/", PAYMENT_FAILED, format="json", HTTP_IDEMPOTENCY_KEY="same"
            )
            statuses.append(response.status_code)
            references.append(response.json().get("reference"))
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert statuses == [201] * 5
    assert len(set(references)) == 1
    assert Ticket.objects.count() == 1
    assert Contact.objects.count() == 1
