"""A customer with something of every kind the helpdesk keeps about a person."""

import hashlib

import pytest
from axes.models import AccessAttempt
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.factories import TicketFactory
from tickets.models import (
    Attachment,
    CSATResponse,
    InboundEmail,
    Message,
    Notification,
    Ticket,
    TicketCC,
    TicketEvent,
)

PHONE = "+6281299887766"
FILE_BYTES = b"\x89PNG fake picture of an identity card"


def attach(ticket: Ticket, message: Message, name: str = "ktp-siti.png") -> Attachment:
    return Attachment.objects.create(
        ticket=ticket,
        message=message,
        file=ContentFile(FILE_BYTES, name="upload"),
        original_name=name,
        content_type="image/png",
        size=len(FILE_BYTES),
        sha256=hashlib.sha256(FILE_BYTES).hexdigest(),
    )


@pytest.fixture
def person(customer, payments, agent):
    """`customer` (Siti) with a phone, a closed ticket (a file, a rating, an agent's reply and an
    internal note naming her, an email received, a CC) and an open one (personal details, an
    unverified email's event, an email waiting to be sent to her), and a failed sign-in."""
    contact = customer.contact
    contact.phone = PHONE
    contact.save(update_fields=["phone"])
    closed = TicketFactory(
        requester=contact,
        queue=payments,
        status=Ticket.Status.CLOSED,
        subject=f"Refund for {customer.name}",
        closed_at=timezone.now(),
        details={"amount": "45000", "registered_phone": PHONE, "merchant": "Warung Siti"},
        transaction_reference="TRX-998877",
        first_message=f"Hello, I am {customer.name}, call me on {PHONE}.",
    )
    first = closed.messages.get()
    attach(closed, first)
    Message.objects.create(
        ticket=closed,
        kind=Message.Kind.PUBLIC,
        author_type=Message.Author.AGENT,
        author_user=agent,
        body=f"Dear {customer.name}, your refund is on its way.",
        source=Message.Source.WEB,
    )
    Message.objects.create(
        ticket=closed,
        kind=Message.Kind.INTERNAL,
        author_type=Message.Author.AGENT,
        author_user=agent,
        body=f"Checked {customer.email} against the wallet: genuine.",
        source=Message.Source.WEB,
    )
    CSATResponse.objects.create(ticket=closed, score=5, comment=f"Thanks from {customer.name}")
    TicketCC.objects.create(ticket=closed, email="siti.sister@example.org")
    InboundEmail.objects.create(
        email_message_id="<CAB123@mail.example.com>",
        source=InboundEmail.Source.PIPE,
        status=InboundEmail.Status.THREADED,
        sender=customer.email,
        recipient="payments@helpdesk.localhost",
        subject=f"Re: Refund for {customer.name}",
        ticket=closed,
    )
    open_ticket = TicketFactory(
        requester=contact,
        queue=payments,
        status=Ticket.Status.OPEN,
        details={"registered_email": customer.email, "what_happened": "no_otp"},
        idempotency_key="form-token-123",
    )
    TicketEvent.objects.create(
        ticket=open_ticket,
        kind=TicketEvent.Kind.UNVERIFIED_EMAIL,
        actor_type=TicketEvent.Actor.SYSTEM,
        new_value=customer.email,
        data={"reason": f"SPF failed for {customer.email}"},
    )
    Notification.objects.create(
        idempotency_key=f"agent_replied:{open_ticket.pk}",
        template=Notification.Template.AGENT_REPLIED,
        audience=Notification.Audience.CUSTOMER,
        ticket=open_ticket,
        recipient=customer.email,
        language="en",
        context={"reference": open_ticket.reference, "name": customer.name},
        message_id=f"<n{open_ticket.pk}@helpdesk.localhost>",
    )
    AccessAttempt.objects.create(
        username=customer.email,
        ip_address="203.0.113.9",
        user_agent="test",
        failures_since_start=1,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
    )
    return {"user": customer, "contact": contact, "closed": closed, "open": open_ticket}
