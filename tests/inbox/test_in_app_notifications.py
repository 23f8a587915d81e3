"""In-app notifications (issue 17): who is told what in the workspace, the bell's count, the
notification centre at /staff/notifications/, and the email of a mention."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.models import StaffNotification
from sla.sweep import sweep
from tests.factories import ContactFactory, TicketFactory, UserFactory, make_sla_policy
from tests.tickets.conftest import MONDAY_9AM
from tickets import live, roles, services
from tickets.models import Notification, NotificationPreference, QueueMembership, Ticket
from tickets.services import Actor

pytestmark = pytest.mark.django_db

Kind = StaffNotification.Kind
CENTRE = "/staff/notifications/"


def staff(name, email, *, queue=None, role=roles.AGENT, lead=False, **fields):
    user = UserFactory(name=name, email=email, **fields)
    user.groups.add(Group.objects.get(name=role))
    if queue is not None:
        QueueMembership.objects.create(queue=queue, user=user, is_lead=lead)
    return user


@pytest.fixture
def budi(payments):
    return staff("Budi Santoso", "budi@wallet.example", queue=payments)


@pytest.fixture
def mei(payments):
    return staff("Mei Chen", "mei@wallet.example", queue=payments)


@pytest.fixture
def published(monkeypatch):
    """What tickets.live was asked to send, once the transaction committed."""
    sent = []
    monkeypatch.setattr(
        live, "send_now", lambda group, event, **payload: sent.append((group, event, payload))
    )
    return sent


def note(client, ticket, body, *, kind="internal"):
    return client.post(
        f"/staff/tickets/{ticket.reference}/reply/",
        {"body": body, "kind": kind, "seen": ticket.messages.last().pk},
    )


def bell(client) -> int:
    response = client.get(CENTRE + "count/")
    assert response.status_code == 200
    return response.json()["unread"]


# Who is told


def test_a_mention_in_a_note_tells_that_agent_in_app_and_by_email(
    client, budi, mei, ticket, django_capture_on_commit_callbacks, published
):
    client.force_login(budi)

    with django_capture_on_commit_callbacks(execute=True):
        response = note(client, ticket, "@mei can you check the refund?")

    assert response.status_code == 302
    told = StaffNotification.objects.get()
    assert (told.recipient, told.kind, told.ticket, told.actor) == (
        mei,
        Kind.MENTIONED,
        ticket,
        budi,
    )
    assert told.event.kind == "note"
    # No message text in the row: the line is made from the ticket and the people.
    assert "refund" not in str(told.data)
    email = Notification.objects.get(template=Notification.Template.MENTIONED)
    assert (email.recipient, email.recipient_user) == (mei.email, mei)
    assert email.context["by"] == "Budi Santoso"
    assert [sent for sent in published if sent[1] == "notification"] == [
        (
            f"user.{mei.pk}",
            "notification",
            {
                "unread": 1,
                "text": f"Budi mentioned you on {ticket.reference}",
                "url": f"/staff/notifications/{told.pk}/",
            },
        )
    ]


def test_a_public_reply_mentions_nobody(client, budi, mei, ticket):
    client.force_login(budi)

    note(client, ticket, "@mei will call you back", kind="public")

    assert not StaffNotification.objects.exists()
    assert not Notification.objects.filter(template="mentioned").exists()


def test_a_mention_of_someone_who_cannot_see_the_ticket_tells_nobody_and_shows_nothing(
    client, budi, refunds, ticket
):
    dewi = staff("Dewi Refunds", "dewi@wallet.example", queue=refunds)
    client.force_login(budi)

    response = note(client, ticket, "@dewi please check", kind="internal")

    assert response.status_code == 302
    assert not StaffNotification.objects.exists()
    assert not Notification.objects.filter(recipient=dewi.email).exists()
    page = client.get(f"/staff/tickets/{ticket.reference}/").content.decode()
    assert "Dewi" not in page


def test_a_mention_of_myself_tells_nobody(client, budi, ticket):
    client.force_login(budi)

    note(client, ticket, "@budi reminder to myself")

    assert not StaffNotification.objects.exists()


def test_one_note_naming_someone_twice_tells_them_once(client, budi, mei, ticket):
    client.force_login(budi)

    note(client, ticket, "@mei see above.\n\n@Mei, and @mei again")

    assert StaffNotification.objects.filter(recipient=mei).count() == 1
    assert Notification.objects.filter(recipient=mei.email).count() == 1


def test_an_assignment_tells_the_new_assignee_but_not_who_took_it_themselves(
    client, budi, mei, lead, ticket, payments
):
    other = TicketFactory(queue=payments)
    client.force_login(lead)
    ticket.refresh_from_db()

    client.post(
        f"/staff/tickets/{ticket.reference}/update/",
        {"field": "assignee", "value": str(mei.pk), "version": ticket.updated_at.isoformat()},
    )
    client.force_login(budi)
    client.post(f"/staff/tickets/{other.reference}/claim/")

    other.refresh_from_db()
    assert other.assignee == budi
    told = StaffNotification.objects.get()
    assert (told.recipient, told.kind, told.actor) == (mei, Kind.ASSIGNED, lead)
    client.force_login(mei)
    page = client.get(CENTRE).content.decode()
    assert f"Rina assigned {ticket.reference} to you" in page


def test_a_customer_reply_tells_the_assignee(client, budi, mei, customer, payments):
    ticket = TicketFactory(requester=customer.contact, queue=payments, assignee=mei)
    client.force_login(customer)

    response = client.post(f"/tickets/{ticket.reference}/reply/", {"body": "Still waiting"})

    assert response.status_code == 302
    told = StaffNotification.objects.get()
    assert (told.recipient, told.kind, told.actor) == (mei, Kind.CUSTOMER_REPLIED, None)


def test_a_customer_reply_on_an_unassigned_ticket_tells_the_queue_leads(
    client, budi, customer, payments, lead
):
    ticket = TicketFactory(requester=customer.contact, queue=payments)
    client.force_login(customer)

    client.post(f"/tickets/{ticket.reference}/reply/", {"body": "Hello?"})

    assert list(StaffNotification.objects.values_list("recipient", "kind")) == [
        (lead.pk, Kind.CUSTOMER_REPLIED)
    ]


def test_sla_warnings_and_breaches_tell_the_assignee(db, mei, payments):
    import time_machine

    make_sla_policy(name="Hour", targets={"first_response": 60}, warn_at_percent=50)
    with time_machine.travel(MONDAY_9AM, tick=False) as clock:
        ticket = services.create_ticket(
            requester=ContactFactory(),
            category="payment_failed",
            subject="Double charge",
            body="Charged twice.",
        )
        Ticket.objects.filter(pk=ticket.pk).update(assignee=mei)
        clock.shift(timedelta(minutes=31))
        sweep()
        clock.shift(timedelta(minutes=30))
        sweep()
        sweep()  # a second run tells nobody again

    kinds = list(
        StaffNotification.objects.filter(recipient=mei, kind__startswith="sla")
        .order_by("created_at")
        .values_list("kind", "data")
    )
    assert kinds == [
        (Kind.SLA_WARNING, {"metric": "first_response", "level": "percent"}),
        (Kind.SLA_BREACH, {"metric": "first_response", "level": ""}),
    ]


# Preferences: emails only


def test_a_muted_email_is_still_shown_in_the_workspace(client, lead, mei, ticket):
    NotificationPreference.objects.create(user=mei, assigned=False, mentioned=False)
    client.force_login(lead)
    ticket.refresh_from_db()

    client.post(
        f"/staff/tickets/{ticket.reference}/update/",
        {"field": "assignee", "value": str(mei.pk), "version": ticket.updated_at.isoformat()},
    )
    note(client, ticket, "@mei FYI")

    assert set(StaffNotification.objects.values_list("kind", flat=True)) == {
        Kind.ASSIGNED,
        Kind.MENTIONED,
    }
    assert not Notification.objects.filter(recipient=mei.email).exists()


def test_an_agent_mutes_the_mention_email_on_their_preferences(client, mei):
    client.force_login(mei)

    response = client.post(
        "/staff/notifications/email/",
        {"assigned": "on", "customer_replied": "on", "sla_warning": "on", "sla_breach": "on"},
    )

    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=mei).mentioned is False


# The centre and the bell


def _told(recipient, ticket, *, kind=Kind.ASSIGNED, minutes_ago=0, read=False, actor=None):
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return StaffNotification.objects.create(
        recipient=recipient,
        kind=kind,
        ticket=ticket,
        actor=actor,
        key=f"test:{recipient.pk}:{ticket.pk}:{kind}:{minutes_ago}",
        created_at=at,
        read_at=at if read else None,
    )


def test_the_centre_lists_my_notifications_newest_first_with_the_unread_marked(
    client, budi, mei, ticket
):
    older = _told(mei, ticket, kind=Kind.CUSTOMER_REPLIED, minutes_ago=30, read=True)
    newer = _told(mei, ticket, kind=Kind.MENTIONED, minutes_ago=1, actor=budi)
    _told(budi, ticket, kind=Kind.SLA_BREACH)  # someone else's
    client.force_login(mei)

    response = client.get(CENTRE)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(f"/staff/notifications/{newer.pk}/") < html.index(
        f"/staff/notifications/{older.pk}/"
    )
    assert html.count('class="notification notification-unread"') == 1
    assert ticket.subject in html
    assert "Budi Santoso" in html
    assert "deadline" not in html  # budi's breach is not listed
    assert 'aria-label="Notifications, 1 unread"' in html


def test_opening_a_notification_marks_it_read_and_goes_to_the_ticket(client, mei, ticket):
    told = _told(mei, ticket)
    client.force_login(mei)
    assert bell(client) == 1

    response = client.get(f"/staff/notifications/{told.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/staff/tickets/{ticket.reference}/"
    told.refresh_from_db()
    assert told.read_at is not None
    assert bell(client) == 0


def test_an_agent_never_sees_or_opens_anothers_notifications(client, budi, mei, ticket):
    hers = _told(mei, ticket)
    client.force_login(budi)

    assert client.get(f"/staff/notifications/{hers.pk}/").status_code == 404
    assert client.get("/staff/notifications/999999/").status_code == 404
    assert bell(client) == 0
    assert f"/staff/notifications/{hers.pk}/" not in client.get(CENTRE).content.decode()
    client.post(CENTRE + "read/")
    hers.refresh_from_db()
    assert hers.read_at is None


def test_mark_all_as_read_marks_only_mine(client, budi, mei, ticket):
    for minutes in range(3):
        _told(mei, ticket, minutes_ago=minutes)
    theirs = _told(budi, ticket)
    client.force_login(mei)

    assert client.get(CENTRE + "read/").status_code == 405
    response = client.post(CENTRE + "read/", follow=True)

    assert response.status_code == 200
    assert "All notifications are marked as read." in response.content.decode()
    assert bell(client) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_centre_pages_through_many(client, mei, ticket):
    for minutes in range(30):
        _told(mei, ticket, minutes_ago=minutes)
    client.force_login(mei)

    first = client.get(CENTRE).content.decode()
    second = client.get(CENTRE + "?page=2").content.decode()

    assert first.count('class="notification ') == 25
    assert second.count('class="notification ') == 5
    assert "Page 2 of 2" in second


def test_a_ticket_no_longer_in_my_queues_keeps_its_line_but_not_its_subject(client, mei, refunds):
    ticket = TicketFactory(queue=refunds, subject="Secret refund dispute")
    _told(mei, ticket)
    client.force_login(mei)

    html = client.get(CENTRE).content.decode()

    assert ticket.reference in html
    assert "Secret refund dispute" not in html


def test_the_bell_costs_one_count_per_page(client, mei, ticket):
    _told(mei, ticket)
    client.force_login(mei)
    client.get("/staff/")  # warm the session and configuration caches

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/staff/").content.decode()

    counts = [q["sql"] for q in queries if "inbox_staffnotification" in q["sql"]]
    assert len(counts) == 1
    assert 'aria-label="Notifications, 1 unread"' in html


@pytest.mark.parametrize("who", ["customer", None])
def test_the_centre_and_the_count_are_for_staff_only(client, customer, who):
    if who:
        client.force_login(customer)

    for url in (CENTRE, CENTRE + "count/", CENTRE + "1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/")


def test_the_typeahead_lists_the_agents_who_see_the_ticket(client, budi, mei, refunds, ticket):
    staff("Dewi Refunds", "dewi@wallet.example", queue=refunds)
    staff("Joko Former", "joko@wallet.example", queue=ticket.queue, is_active=False)
    client.force_login(budi)

    agents = client.get(f"/staff/tickets/{ticket.reference}/agents/").json()["agents"]

    assert agents == [{"handle": "mei", "name": "Mei Chen"}]
    other = TicketFactory(queue=refunds)
    assert client.get(f"/staff/tickets/{other.reference}/agents/").status_code == 404


def test_names_with_markup_are_escaped_in_the_centre(client, mei, ticket):
    villain = staff('<script>alert("x")</script>', "villain@wallet.example", queue=ticket.queue)
    Ticket.objects.filter(pk=ticket.pk).update(subject="<img src=x onerror=alert(1)>")
    _told(mei, ticket, kind=Kind.MENTIONED, actor=villain)
    client.force_login(mei)

    html = client.get(CENTRE).content.decode()

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_line_is_in_the_recipients_language(
    client, budi, ticket, django_capture_on_commit_callbacks, published
):
    lina = staff("李娜", "lina@wallet.example", queue=ticket.queue, language="zh-hans")
    client.force_login(budi)

    with django_capture_on_commit_callbacks(execute=True):
        note(client, ticket, "请 @李娜 看一下")

    assert StaffNotification.objects.get().recipient == lina
    ((_group, _event, payload),) = [sent for sent in published if sent[1] == "notification"]
    assert ticket.reference in payload["text"]
    assert "Budi" in payload["text"]
    assert "mentioned you" not in payload["text"]


def test_an_unknown_actor_is_handled(db, mei, ticket):
    services.record_event(ticket, "assignee", Actor.system(), new=mei.email)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=mei)

    told = StaffNotification.objects.get()

    assert told.summary() == f"{ticket.reference} was assigned to you"


def test_admins_read_them_in_the_admin_and_nobody_edits_them(client, admin_user, mei, ticket):
    told = _told(mei, ticket, kind=Kind.MENTIONED)
    client.force_login(admin_user)

    listing = client.get("/admin/inbox/staffnotification/")
    detail = client.get(f"/admin/inbox/staffnotification/{told.pk}/change/")

    assert listing.status_code == 200
    assert ticket.reference in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.get("/admin/inbox/staffnotification/add/").status_code == 403
