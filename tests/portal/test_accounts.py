import re

import pytest
from django.core import mail

from tests.factories import ContactFactory, TicketFactory
from tickets.models import User

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "name": "Dewi Lestari",
    "email": "Dewi@Example.net",
    "password1": "Merdeka-45-Jakarta",
    "password2": "Merdeka-45-Jakarta",
}


def _verification_link() -> str:
    return re.search(
        r"http://127\.0\.0\.1:8000(/accounts/verify/\S+/)", mail.outbox[-1].body
    ).group(1)


def test_it_creates_an_inactive_account_and_emails_a_verification_link(client):
    response = client.post("/accounts/signup/", SIGN_UP)

    assert response.status_code == 200
    assert 'id="check-email"' in response.content.decode()
    user = User.objects.get(email="dewi@example.net")
    assert not user.is_active
    assert mail.outbox[0].to == ["dewi@example.net"]
    signed_in = client.post(
        "/accounts/login/", {"username": "dewi@example.net", "password": SIGN_UP["password1"]}
    )
    assert signed_in.status_code == 200  # the form again: an unverified account cannot sign in


def test_verifying_signs_in_and_attaches_earlier_guest_tickets(client, payments):
    guest_ticket = TicketFactory(requester=ContactFactory(email="dewi@example.net"), queue=payments)
    client.post("/accounts/signup/", SIGN_UP)

    response = client.get(_verification_link(), follow=True)

    assert response.redirect_chain[-1][0] == "/requests/"
    assert guest_ticket.reference in response.content.decode()
    user = User.objects.get(email="dewi@example.net")
    assert user.is_active
    assert user.contact.tickets.get() == guest_ticket


def test_it_does_not_attach_anything_before_the_email_is_verified(client, payments):
    contact = ContactFactory(email="dewi@example.net")
    TicketFactory(requester=contact, queue=payments)

    client.post("/accounts/signup/", SIGN_UP)

    contact.refresh_from_db()
    assert contact.user is None


def test_it_gives_the_same_answer_for_an_address_that_has_an_account(client, customer):
    response = client.post("/accounts/signup/", SIGN_UP | {"email": customer.email})

    assert 'id="check-email"' in response.content.decode()
    assert "already have" in mail.outbox[0].subject
    assert User.objects.filter(email=customer.email).count() == 1


def test_it_refuses_a_tampered_verification_link(client):
    client.post("/accounts/signup/", SIGN_UP)

    response = client.get(_verification_link()[:-3] + "xx/")

    assert response.status_code == 400
    assert not User.objects.get(email="dewi@example.net").is_active


def test_it_shows_password_problems_next_to_the_field(client):
    response = client.post("/accounts/signup/", SIGN_UP | {"password1": "123", "password2": "123"})

    html = response.content.decode()
    assert re.search(r'id="id_password1_group".*?too short', html, re.S)
    assert not User.objects.exists()


def test_customers_sign_in_with_their_email(client, customer):
    response = client.post(
        "/accounts/login/",
        {"username": customer.email.upper(), "password": "correct-horse-battery"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/requests/"


def test_password_reset_answers_the_same_for_unknown_addresses(client, customer):
    known = client.post("/accounts/password/reset/", {"email": customer.email}, follow=True)
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"}, follow=True)

    def main(response) -> str:
        return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)

    assert main(known) == main(unknown)
    assert len(mail.outbox) == 1


def test_the_language_switch_is_remembered_on_the_profile(client, customer):
    client.force_login(customer)

    client.post("/language/", {"language": "zh-hans", "next": "/"})

    customer.refresh_from_db()
    assert customer.language == "zh-hans"
    fresh = type(client)()
    fresh.force_login(customer)
    assert fresh.get("/")["Content-Language"] == "zh-hans"
