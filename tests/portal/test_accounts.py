import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications import core, delivery, inbound, outbox
from tests.factories import ContactFactory, TicketFactory
from tickets.models import Notification, Ticket, User

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "name": "Dewi Lestari",
    "email": "Dewi@Example.net",
    "password1": "Merdeka-45-Jakarta",
    "password2": "Merdeka-45-Jakarta",
}


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """client.post, with the emails it writes to the outbox delivered after commit."""

    def send(url, data, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **kwargs)

    return send


def _verification_link() -> str:
    return re.search(
        r"http://127\.0\.0\.1:8000(/accounts/verify/\S+/)", mail.outbox[-1].body
    ).group(1)


def test_it_creates_an_inactive_account_and_emails_a_verification_link(post, client):
    response = post("/accounts/signup/", SIGN_UP)

    assert response.status_code == 200
    assert 'id="check-email"' in response.content.decode()
    user = User.objects.get(email="dewi@example.net")
    assert not user.is_active
    assert mail.outbox[0].to == ["dewi@example.net"]
    signed_in = client.post(
        "/accounts/login/", {"username": "dewi@example.net", "password": SIGN_UP["password1"]}
    )
    assert signed_in.status_code == 200  # the form again: an unverified account cannot sign in


def test_verifying_signs_in_and_attaches_earlier_guest_tickets(post, client, payments):
    guest_ticket = TicketFactory(requester=ContactFactory(email="dewi@example.net"), queue=payments)
    post("/accounts/signup/", SIGN_UP)

    response = client.get(_verification_link(), follow=True)

    assert response.redirect_chain[-1][0] == "/requests/"
    assert guest_ticket.reference in response.content.decode()
    user = User.objects.get(email="dewi@example.net")
    assert user.is_active
    assert user.contact.tickets.get() == guest_ticket


def test_it_does_not_attach_anything_before_the_email_is_verified(post, client, payments):
    contact = ContactFactory(email="dewi@example.net")
    TicketFactory(requester=contact, queue=payments)

    post("/accounts/signup/", SIGN_UP)

    contact.refresh_from_db()
    assert contact.user is None


def test_it_gives_the_same_answer_for_an_address_that_has_an_account(post, client, customer):
    response = post("/accounts/signup/", SIGN_UP | {"email": customer.email})

    assert 'id="check-email"' in response.content.decode()
    assert "already have" in mail.outbox[0].subject
    assert User.objects.filter(email=customer.email).count() == 1


def test_it_refuses_a_tampered_verification_link(post, client):
    post("/accounts/signup/", SIGN_UP)

    response = client.get(_verification_link()[:-3] + "xx/")

    assert response.status_code == 400
    assert not User.objects.get(email="dewi@example.net").is_active


def test_it_shows_password_problems_next_to_the_field(post, client):
    response = post("/accounts/signup/", SIGN_UP | {"password1": "123", "password2": "123"})

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


def test_password_reset_answers_the_same_for_unknown_addresses(post, client, customer):
    known = post("/accounts/password/reset/", {"email": customer.email}, follow=True)
    unknown = post("/accounts/password/reset/", {"email": "nobody@example.com"}, follow=True)

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


def test_account_emails_wait_in_the_outbox_when_the_broker_is_down(
    post, client, customer, monkeypatch, django_capture_on_commit_callbacks
):
    """Sign-up and password reset write their email in the request's transaction and send it
    from a worker: with the broker (or the mail server) down the page answers as usual, and
    the sweep sends the email once it is back."""

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(type(outbox.EMAILS.task()), "apply_async", broker_down, raising=False)
    signed_up = post("/accounts/signup/", SIGN_UP)
    reset = post("/accounts/password/reset/", {"email": customer.email}, follow=True)

    assert signed_up.status_code == 200
    assert reset.status_code == 200
    assert mail.outbox == []
    waiting = Notification.objects.filter(status="pending").order_by("pk")
    assert [row.template for row in waiting] == ["verify_email", "password_reset"]
    # No working link rests in the outbox: it is made when the email is sent.
    for row in waiting:
        assert row.ticket is None
        assert row.context == {}

    monkeypatch.undo()
    core.resume_publishing()
    later = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        outbox.sweep()

    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        ["dewi@example.net", customer.email]
    )
    reset_email = next(email for email in mail.outbox if email.to == [customer.email])
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/password/reset/\S+/)", reset_email.body)
    page = client.get(link.group(1), follow=True)
    assert "new_password1" in page.content.decode()
    assert "Auto-Submitted" in reset_email.extra_headers
    assert "X-Helpdesk-Ticket" not in reset_email.extra_headers
    assert reset_email.reply_to == []


def test_a_reply_to_an_account_email_opens_a_new_request(post, customer):
    """An account email belongs to no ticket: answering it starts a conversation, it does not
    fail or land on somebody's ticket."""
    post("/accounts/password/reset/", {"email": customer.email})
    (sent,) = mail.outbox
    answer = (
        f"From: {customer.email}\r\nTo: help@helpdesk.localhost\r\n"
        f"Subject: Re: {sent.subject}\r\nMessage-ID: <answer.1@example.com>\r\n"
        f"In-Reply-To: {sent.extra_headers['Message-ID']}\r\n\r\n"
        "Saya tidak bisa ganti kata sandi, tolong bantu.\r\n"
    ).encode()

    outcome = inbound.ingest(answer, source="pipe")

    assert outcome.status == "created"
    assert Ticket.objects.get(reference=outcome.reference).requester.email == customer.email


def _sent_later(notification_id):
    return delivery.deliver(notification_id)


def test_a_link_is_not_sent_to_an_address_the_account_left(customer):
    """A reset asked for the old address, sent after an admin changed the account's email (a
    retry, an admin's "send again"), would open the account from the old mailbox."""
    row = outbox.notify_account(user=customer, template="password_reset", language="en")
    customer.email = "new-address@example.com"
    customer.save(update_fields=["email"])

    assert _sent_later(row.pk) == "failed"

    row.refresh_from_db()
    assert "address changed" in row.last_error
    assert mail.outbox == []


@pytest.mark.parametrize("why", ["old", "inactive", "no password"])
def test_a_reset_is_not_sent_late_or_for_an_account_that_cannot_use_it(customer, why):
    row = outbox.notify_account(user=customer, template="password_reset", language="en")
    if why == "old":
        Notification.objects.filter(pk=row.pk).update(
            created_at=timezone.now() - timedelta(hours=2)
        )
    elif why == "inactive":
        customer.is_active = False
        customer.save(update_fields=["is_active"])
    else:
        customer.set_unusable_password()
        customer.save(update_fields=["password"])

    assert _sent_later(row.pk) == "failed"
    assert mail.outbox == []
