"""The outbox and the inbound log in the admin: filters, search, retry, process again."""

from pathlib import Path

import pytest
from django.urls import reverse

from notifications import inbound, outbox
from tests.factories import TicketFactory
from tickets import services
from tickets.models import InboundEmail, Notification
from tickets.services import Actor

pytestmark = pytest.mark.django_db

Status = Notification.Status
OUTBOX = reverse("admin:tickets_notification_changelist")
INBOUND = reverse("admin:tickets_inboundemail_changelist")


@pytest.fixture
def rows(monkeypatch):
    """A sent, a failed and an unconfirmed receipt (nothing is published)."""
    monkeypatch.setattr(outbox.EMAILS, "enqueue", lambda ids, countdown=None: False)
    made = {}
    for status in (Status.SENT, Status.FAILED, Status.UNCONFIRMED):
        ticket = TicketFactory()
        services.record_event(ticket, "created", Actor.customer(ticket.requester))
        notification = ticket.notifications.get()
        Notification.objects.filter(pk=notification.pk).update(status=status, attempts=3)
        made[status] = notification
    return made


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "failed"},
        {"template__exact": "ticket_created"},
        {"channel__exact": "email"},
        {"audience__exact": "customer"},
        {"language__exact": "en"},
    ],
)
def test_it_filters_the_outbox(client, admin_user, rows, query):
    client.force_login(admin_user)

    response = client.get(OUTBOX, query)

    assert response.status_code == 200


def test_it_finds_notifications_by_recipient_and_reference(client, admin_user, rows):
    client.force_login(admin_user)
    failed = rows[Status.FAILED]

    by_recipient = client.get(OUTBOX, {"q": failed.recipient}).context["cl"].result_list
    by_reference = client.get(OUTBOX, {"q": failed.ticket.reference}).context["cl"].result_list

    assert list(by_recipient) == list(by_reference) == [failed]


def test_it_retries_failed_and_unconfirmed_notifications_only(client, admin_user, rows):
    client.force_login(admin_user)

    response = client.post(
        OUTBOX,
        {"action": "retry", "_selected_action": [n.pk for n in rows.values()]},
        follow=True,
    )

    assert response.status_code == 200
    statuses = {s: Notification.objects.get(pk=n.pk).status for s, n in rows.items()}
    assert statuses == {
        Status.SENT: Status.SENT,
        Status.FAILED: Status.PENDING,
        Status.UNCONFIRMED: Status.PENDING,
    }
    retried = Notification.objects.get(pk=rows[Status.FAILED].pk)
    assert retried.attempts == 0
    assert admin_user.email in retried.last_error
    text = response.content.decode()
    assert "2 notifications will be sent again." in text
    assert "never sent again" in text


def test_it_shows_a_notification_read_only(client, admin_user, rows):
    client.force_login(admin_user)
    failed = rows[Status.FAILED]

    response = client.get(reverse("admin:tickets_notification_change", args=[failed.pk]))

    assert response.status_code == 200
    assert failed.message_id.strip("<>") in response.content.decode()
    assert client.post(reverse("admin:tickets_notification_add")).status_code == 403


def test_it_lists_the_quarantine_and_processes_an_email_again(client, admin_user, monkeypatch):
    client.force_login(admin_user)
    raw = (Path(__file__).parent / "inbound" / "new_ticket_en.eml").read_bytes()
    monkeypatch.setattr(inbound.services, "create_ticket", lambda **kw: 1 / 0)
    quarantined = inbound.ingest(raw, source="pipe")
    monkeypatch.undo()

    listed = client.get(INBOUND, {"status__exact": "quarantined"}).context["cl"].result_list
    assert [log.pk for log in listed] == [quarantined.inbound_id]
    assert client.get(INBOUND, {"q": "michael.tan"}).status_code == 200

    response = client.post(
        INBOUND,
        {"action": "process_again", "_selected_action": [quarantined.inbound_id]},
        follow=True,
    )

    assert response.status_code == 200
    log = InboundEmail.objects.get()
    assert (log.status, log.source) == (InboundEmail.Status.CREATED, InboundEmail.Source.ADMIN)
    assert not log.raw


def test_it_lets_only_those_who_may_change_notifications_retry_them(client, lead, rows):
    from django.contrib.auth.models import Permission

    lead.is_staff = True
    lead.save(update_fields=["is_staff"])
    lead.user_permissions.add(Permission.objects.get(codename="view_notification"))
    client.force_login(lead)

    response = client.get(OUTBOX)

    assert response.status_code == 200
    assert 'value="retry"' not in response.content.decode()
