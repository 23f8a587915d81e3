"""What each email says and how it threads: rendered at delivery from the database, in the
recipient's language (id, en, zh-hans), subject / text / HTML (STYLE.md)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from notifications import outbox
from notifications.delivery import build_email
from notifications.reactions import notify_sla
from notifications.rendering import reply_tag
from tests.factories import TicketFactory
from tickets import assignment, links, services
from tickets.models import Notification, Ticket
from tickets.services import Actor

pytestmark = pytest.mark.django_db

Template = Notification.Template
LANGUAGES = ["id", "en", "zh-hans"]
CONTENT_LANGUAGE = {"id": "id", "en": "en", "zh-hans": "zh-Hans"}
ACCOUNT_TEMPLATES = Notification.ACCOUNT_TEMPLATES


def _one_of_each(agent, lead, customer) -> list[Notification]:
    """One notification of every template, for one ticket (SUBJECT has what escaping breaks)."""
    ticket = TicketFactory(
        requester=customer.contact, queue=agent.queues.get(), subject='Can\'t pay & "stuck" <QRIS>'
    )
    other = TicketFactory(requester=customer.contact, queue=ticket.queue)
    services.record_event(ticket, "created", Actor.customer(customer.contact))
    services.add_agent_message(ticket=ticket, agent=lead, body="Which bank?\nBRI or BCA?")
    services.change_status(ticket=ticket, status="pending_customer", by=Actor.agent(lead))
    services.change_status(ticket=ticket, status="resolved", by=Actor.agent(lead))
    services.rate_ticket(
        ticket=Ticket.objects.get(pk=ticket.pk), contact=customer.contact, score=1, comment="Slow"
    )
    services.send_access_link(ticket=ticket, by=Actor.customer(customer.contact))
    assignment.assign(ticket=ticket, assignee=agent, by=lead)
    services.add_agent_message(
        ticket=ticket, agent=lead, body="@Budi can you check?", internal=True
    )
    services.add_customer_message(ticket=ticket, contact=customer.contact, body="Still broken.")
    for kind in ("warning", "breach", "escalation"):
        notify_sla(
            ticket=ticket,
            kind=kind,
            key=f"sla:1:{kind}",
            recipients=[agent],
            metric="first_response",
            due_at=timezone.now() + timedelta(minutes=5),
            level=1,
        )
    services.merge_tickets(source=ticket, target=other, by=Actor.agent(lead))
    notifications = list(Notification.objects.order_by("pk"))
    assert {n.template for n in notifications} == set(Template.values) - ACCOUNT_TEMPLATES
    return notifications


@pytest.fixture
def every_email(agent, lead, customer):
    return _one_of_each(agent, lead, customer)


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_renders_every_email_in_each_language(every_email, language):
    for notification in every_email:
        notification.language = language

        email = build_email(notification)

        html = email.alternatives[0][0]
        reference = notification.ticket.reference
        assert reference in email.subject, notification.template
        assert email.extra_headers["Content-Language"] == CONTENT_LANGUAGE[language]
        assert f'<html lang="{language}">' in html
        for text in (email.subject, email.body, html):
            assert "{{" not in text
            assert "{%" not in text
        assert "\n" not in email.subject


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(ACCOUNT_TEMPLATES))
def test_it_renders_every_account_email_in_each_language(customer, template, language):
    """Account emails are about no ticket: a link made when sent, no reply address."""
    notification = outbox.notify_account(user=customer, template=template, language=language)

    email = build_email(notification)

    assert email.to == [customer.email]
    assert email.extra_headers["Content-Language"] == CONTENT_LANGUAGE[language]
    assert "X-Helpdesk-Ticket" not in email.extra_headers
    assert email.reply_to == []
    assert "http://127.0.0.1:8000/accounts/" in email.body
    for text in (email.subject, email.body):
        assert "{{" not in text
        assert "{%" not in text


def test_it_writes_text_unescaped_and_html_escaped(every_email):
    receipt = next(n for n in every_email if n.template == Template.TICKET_CREATED)

    email = build_email(receipt)

    assert 'Can\'t pay & "stuck" <QRIS>' in email.subject
    assert 'Can\'t pay & "stuck" <QRIS>' in email.body
    assert "Can&#x27;t pay &amp; &quot;stuck&quot; &lt;QRIS&gt;" in email.alternatives[0][0]


@pytest.mark.parametrize(
    ("language", "date"),
    # One format per language (helpdesk/formats): "21 Nov 2026, 10.19", "21 Nov 2026, 10:19".
    [
        ("id", r"21 Nov 2026, \d+\.\d\d"),
        ("en", r"21 Nov 2026, \d+:\d\d"),
        ("zh-hans", r"2026年11月21日 \d+:\d\d"),
    ],
)
def test_it_formats_dates_the_way_each_language_does(customer, language, date):
    ticket = TicketFactory(requester=customer.contact, language=language, created_at=timezone.now())
    # 21 Nov in Jakarta whatever the time of day the suite runs (10:19 WIB is 03:19 UTC).
    ticket.created_at = datetime(2026, 11, 21, 10, 19, tzinfo=ZoneInfo("Asia/Jakarta"))
    ticket.save(update_fields=["created_at"])

    services.record_event(ticket, "created", Actor.customer(customer.contact))

    email = build_email(ticket.notifications.get())
    assert re.search(date, email.body), email.body


def test_an_agent_reads_the_due_time_of_an_sla_email_in_their_own_time_zone(agent, customer):
    ticket = TicketFactory(requester=customer.contact, queue=agent.queues.get())
    agent.time_zone, agent.language = "Asia/Makassar", "en"
    agent.save(update_fields=["time_zone", "language"])
    due = datetime(2026, 12, 2, 10, 19, tzinfo=ZoneInfo("Asia/Jakarta"))
    notify_sla(
        ticket=ticket,
        kind="breach",
        key="sla:1:breach",
        recipients=[agent],
        metric="first_response",
        due_at=due,
        level=1,
    )

    email = build_email(ticket.notifications.get(template="sla_breach"))

    assert "2 Dec 2026, 11:19" in email.body  # WITA, an hour ahead of Jakarta


def test_it_gives_customer_emails_our_headers_and_a_reply_address_that_threads(every_email):
    reply = next(n for n in every_email if n.template == Template.AGENT_REPLIED)

    email = build_email(reply)
    message = email.message()

    assert message["Message-ID"] == reply.message_id
    assert message["In-Reply-To"] == reply.in_reply_to != ""
    assert message["References"] == reply.references
    # The reference, and the ticket's reply tag: a reply to it proves the sender got this email.
    tag = reply_tag(reply.ticket)
    assert email.reply_to == [f"payments+{reply.ticket.reference}.{tag}@helpdesk.localhost"]
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["Auto-Submitted"] is None  # a person wrote it
    assert "Which bank?\nBRI or BCA?" in email.body


def test_it_marks_automatic_emails_as_such(every_email):
    for notification in every_email:
        if notification.template != Template.AGENT_REPLIED:
            assert build_email(notification).extra_headers["Auto-Submitted"] == "auto-generated"


def test_it_uses_the_plain_queue_address_without_plus_addressing(settings, every_email):
    settings.EMAIL_PLUS_ADDRESSING = False

    email = build_email(every_email[0])

    assert email.reply_to == ["payments@helpdesk.localhost"]


def test_it_puts_a_working_signed_link_in_customer_emails(client, every_email):
    receipt = next(n for n in every_email if n.template == Template.TICKET_CREATED)

    email = build_email(receipt)

    link = re.search(r"http://127\.0\.0\.1:8000(/t/\S+/)", email.body).group(1)
    assert links.read_token(link.split("/")[2]).ticket_id == receipt.ticket_id
    assert f'href="http://127.0.0.1:8000{link}"' in email.alternatives[0][0]


def test_it_puts_the_rating_link_in_the_resolved_email(every_email):
    resolved = next(n for n in every_email if n.template == Template.TICKET_RESOLVED)

    email = build_email(resolved)

    assert re.search(r"http://127\.0\.0\.1:8000/t/\S+/#rate", email.body)
    assert "#rate" in email.alternatives[0][0]


def test_it_links_a_merged_request_to_where_the_conversation_continues(every_email):
    merged = next(n for n in every_email if n.template == Template.TICKET_MERGED)
    target = merged.ticket.merged_into

    email = build_email(merged)

    assert target.reference in email.subject
    token = re.search(r"/t/(\S+)/", email.body).group(1)
    assert links.read_token(token).ticket_id == target.pk


def test_it_sends_agents_to_the_ticket_and_their_preferences_not_to_reply(every_email):
    assigned = next(n for n in every_email if n.template == Template.ASSIGNED)

    email = build_email(assigned)

    assert email.reply_to == []
    assert f"http://127.0.0.1:8000/staff/tickets/{assigned.ticket.reference}/" in email.body
    assert "http://127.0.0.1:8000/staff/notifications/email/" in email.body
    assert email.extra_headers["List-Unsubscribe"] == (
        "<http://127.0.0.1:8000/staff/notifications/email/>"
    )
    assert "/t/" not in email.body  # never a customer's signed link


def test_it_quotes_the_customers_reply_to_the_agent(every_email):
    replied = next(n for n in every_email if n.template == Template.CUSTOMER_REPLIED)

    assert "Still broken." in build_email(replied).body


def test_it_says_the_reply_is_waiting_for_the_customer(agent, ticket):
    services.add_agent_message(
        ticket=ticket, agent=agent, body="Which bank?", set_status="pending_customer"
    )

    email = build_email(ticket.notifications.get())

    assert "We need your answer to continue" in email.body


def test_it_sends_the_receipt_through_the_configured_backend(
    ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.record_event(ticket, "created", Actor.customer(ticket.requester))

    (email,) = mail.outbox
    assert email.to == [ticket.requester.email]
    assert email.from_email == "Helpdesk <help@helpdesk.localhost>"
