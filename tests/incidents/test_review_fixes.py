"""What an adversarial review of incidents found: each case fails without its fix."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents import jobs, matching
from incidents import services as incident_services
from incidents.models import Incident, IncidentJob
from tickets.events import ServiceError
from tickets.models import Message, Tag, Ticket, TicketEvent

from .core import declare, linked_tickets, new_ticket


@pytest.fixture(autouse=True)
def _small_batches(settings):
    settings.INCIDENT_JOB_BATCH_SIZE = 5
    settings.INCIDENT_JOB_RUN_SECONDS = 600


def resolve(incident, by, **options):
    return incident_services.resolve(incident, by=by, message_en="Fixed.", **options)


# Scope: a lead declares for their own queues only


def test_a_lead_cannot_declare_for_a_category_of_another_queue(lead):
    with pytest.raises(ServiceError, match="queue you do not work"):
        declare(lead, categories=["refund"])
    assert not Incident.objects.exists()


def test_a_lead_cannot_declare_for_every_category(lead):
    with pytest.raises(ServiceError, match="only an admin"):
        declare(lead, categories=[], merchants=["Tokopedia"])


def test_a_lead_cannot_widen_an_incident_by_editing_it(lead):
    incident = declare(lead)
    with pytest.raises(ServiceError, match="queue you do not work"):
        incident_services.edit(incident, by=lead, categories=["account_access"])
    assert [c.pk for c in incident.categories.all()] == ["payment_failed"]


def test_an_admin_declares_for_any_category(admin_user):
    incident = declare(admin_user, categories=[], merchants=["Tokopedia"])
    assert incident.is_active


# A resolved incident stays as it was told


def test_a_resolved_incident_cannot_be_edited_or_linked(lead, ticket):
    incident = declare(lead)
    resolve(incident, lead)
    with pytest.raises(ServiceError):
        incident_services.edit(incident, by=lead, title_en="Rewritten afterwards")
    with pytest.raises(ServiceError):
        incident_services.link([ticket], incident, by=lead)
    ticket.refresh_from_db()
    assert ticket.incident_id is None


def test_an_update_sent_late_never_says_fixed(lead):
    incident = declare(lead, payment_methods=["virtual_account"])
    [ticket] = linked_tickets(incident, 1, languages=("en",))
    incident_services.post_update(
        incident, by=lead, status="identified", notify_customers=True, message_en="Not yet."
    )
    job = resolve(incident, lead, outcome="leave", notify_customers=False)

    notify_job = IncidentJob.objects.get(kind="notify")
    assert notify_job.state == "done"  # overtaken by the resolution: not sent afterwards
    jobs.run(notify_job.pk)
    jobs.run(job.pk)
    assert not Message.objects.filter(ticket=ticket, author_type="agent").exists()

    update = incident.updates.get(status="identified")
    assert "fixed" not in jobs.reply_text(incident, update, "en")
    assert "fixed" in jobs.reply_text(incident, incident.updates.get(status="resolved"), "en")


# Matching


def test_an_incident_declared_ahead_links_nothing_before_it_starts(lead):
    declare(lead, payment_methods=["qris"], started_at=timezone.now() + timedelta(hours=2))
    assert new_ticket(payment_method="qris").incident_id is None


def test_a_failure_while_linking_never_costs_the_customer_their_ticket(lead, monkeypatch):
    declare(lead, payment_methods=["qris"])

    def broken(*args, **kwargs):
        raise RuntimeError("a bug while linking")

    monkeypatch.setattr(matching, "record_event", broken)
    ticket = new_ticket(payment_method="qris")

    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.incident_id is None
    assert not stored.tags.exists()
    assert stored.events.filter(kind=TicketEvent.Kind.CREATED).exists()


def test_an_incident_tag_cannot_be_deleted(lead):
    from django.db.models import ProtectedError

    incident = declare(lead)
    with pytest.raises(ProtectedError):
        Tag.objects.filter(pk=incident.tag_id).delete()


# The resolution job reaches every ticket


def test_the_final_pass_never_resolves_a_ticket_twice(lead):
    incident = declare(lead, payment_methods=["virtual_account"])
    tickets = linked_tickets(incident, 12)
    job = resolve(incident, lead, notify_customers=False)
    assert jobs.run_batch(job.pk) == "more"
    # Resolved by the first batch, then reopened by its customer while the job goes on.
    Ticket.objects.filter(pk=tickets[0].pk).update(status="open")

    assert jobs.run(job.pk) == "done"

    job.refresh_from_db()
    assert job.final_pass
    still_open = Ticket.objects.filter(incident=incident, status__in=Ticket.OPEN_STATUSES)
    assert list(still_open.values_list("pk", flat=True)) == [tickets[0].pk]
    assert TicketEvent.objects.filter(kind="status", new_value="resolved").count() == 12


def test_a_ticket_linked_behind_the_cursor_during_the_job_is_resolved(lead, admin_user):
    incident = declare(lead, payment_methods=["virtual_account"])
    other = declare(admin_user, categories=[], merchants=["Somewhere"])
    tickets = linked_tickets(other, 1) + linked_tickets(incident, 10)
    job = resolve(incident, lead, notify_customers=False)
    assert jobs.run_batch(job.pk) == "more"
    assert jobs.run_batch(job.pk) == "more"
    # The first ticket (a lower id) joins the incident only now, as a late commit would.
    Ticket.objects.filter(pk=tickets[0].pk).update(incident=incident)

    assert jobs.run(job.pk) == "done"

    assert Ticket.objects.get(pk=tickets[0].pk).status == "resolved"
    assert not Ticket.objects.filter(incident=incident, status__in=Ticket.OPEN_STATUSES).exists()


def test_a_job_that_keeps_failing_stops_as_failed(lead, monkeypatch):
    incident = declare(lead, payment_methods=["virtual_account"])
    linked_tickets(incident, 3)
    job = resolve(incident, lead)

    def broken(job_id):
        raise RuntimeError("database says no to 'secret row value'")

    monkeypatch.setattr(jobs, "run_batch", broken)
    for _ in range(jobs.MAX_FAILURES):
        with pytest.raises(RuntimeError):
            jobs.run(job.pk)

    job.refresh_from_db()
    assert (job.state, job.failures) == ("failed", jobs.MAX_FAILURES)
    assert "secret row value" not in job.last_error
    assert jobs.sweep(now=timezone.now() + timedelta(hours=1)) == 0


# The public status page


def test_an_incident_without_a_banner_stays_off_the_status_page(client, lead):
    declare(lead, title_en="Fraud probe at MerchantX", show_banner=False)
    page = client.get("/status/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "MerchantX" not in page


def test_a_ticket_panel_link_with_a_unicode_digit_is_refused_without_a_500(client, lead, ticket):
    client.force_login(lead)
    response = client.post(
        f"/staff/tickets/{ticket.reference}/incident/", {"action": "link", "incident": "²"}
    )
    assert response.status_code < 500
