"""The staff side of incidents: declaring, editing, updating and resolving one through its pages,
following its jobs, and linking tickets from the queue and the ticket page."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from incidents import services
from incidents.models import Incident, IncidentJob
from tests.factories import TicketFactory
from tickets.events import version_of
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def declare(by, **values) -> Incident:
    return services.declare(
        by=by,
        categories=values.pop("categories", ["payment_failed"]),
        **{
            "title_en": "BRI virtual account top-ups delayed",
            "message_en": "Top-ups via BRI virtual account are delayed. Your money is safe.",
            "payment_methods": ["virtual_account"],
            "banks": ["BRI"],
            **values,
        },
    )


def form_data(**values) -> dict:
    return {
        "title_id": "Top up VA BRI tertunda",
        "title_en": "BRI virtual account top-ups delayed",
        "title_zh_hans": "",
        "message_id": "Top up lewat VA BRI tertunda.",
        "message_en": "Top-ups via BRI virtual account are delayed since 09:40.",
        "message_zh_hans": "",
        "status": "investigating",
        "categories": ["payment_failed"],
        "payment_methods": ["virtual_account"],
        "banks": "BRI, BNI\nMandiri",
        "merchants": "",
        "match_new_tickets": "on",
        "show_banner": "on",
        "started_at": "2026-03-02T09:40",
        "expected_end_at": "",
        **values,
    }


@pytest.fixture
def incident(lead) -> Incident:
    return declare(lead)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate limits and presence live in the cache


# The list


def test_it_lists_active_incidents_with_their_ticket_counts(as_lead, lead, payments):
    active = declare(lead)
    TicketFactory.create_batch(2, queue=payments, incident=active)

    html = as_lead.get("/staff/incidents/").content.decode()

    assert "BRI virtual account top-ups delayed" in html
    assert f'id="incident-{active.pk}"' in html
    assert "Linked tickets: 2" in html
    assert "badge" in html.split('id="nav-incidents"')[1].split("</a>")[0]
    assert 'id="declare-incident"' in html
    assert 'id="nav-incidents"' in html


def test_an_agent_sees_the_list_without_the_declare_button(as_agent, lead):
    declare(lead)

    response = as_agent.get("/staff/incidents/")

    assert response.status_code == 200
    assert "BRI virtual account top-ups delayed" in response.content.decode()
    assert 'id="declare-incident"' not in response.content.decode()


# Declaring


def test_it_lets_a_lead_declare_an_incident(as_lead, lead):
    response = as_lead.post("/staff/incidents/new/", form_data())

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/incidents/{incident.pk}/"
    assert incident.title_en == "BRI virtual account top-ups delayed"
    assert incident.banks == ["BNI", "BRI", "Mandiri"]
    assert incident.payment_methods == ["virtual_account"]
    assert list(incident.categories.values_list("pk", flat=True)) == ["payment_failed"]
    assert incident.declared_by == lead
    assert incident.is_active
    assert timezone.localtime(incident.started_at).strftime("%H:%M") == "09:40"


def test_an_admin_may_declare_too(as_admin):
    response = as_admin.post("/staff/incidents/new/", form_data())

    assert response.status_code == 302
    assert Incident.objects.count() == 1


def test_an_agent_may_not_declare(as_agent):
    assert as_agent.get("/staff/incidents/new/").status_code == 403
    response = as_agent.post("/staff/incidents/new/", form_data())

    assert response.status_code == 403
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"title_id": "", "title_en": ""}, "Give a title in at least one language."),
        (
            {"message_id": "", "message_en": ""},
            "Write the message to customers in at least one language.",
        ),
        ({"expected_end_at": "2026-03-02T09:00"}, "The expected end must be after the start."),
        ({"started_at": "yesterday-ish"}, "Enter a valid date/time."),
        ({"payment_methods": ["cash"]}, "Select a valid choice."),
        ({"categories": ["no_such"]}, "Select a valid choice."),
        ({"status": "resolved"}, "Select a valid choice."),
    ],
)
def test_bad_input_shows_errors_in_the_page(as_lead, values, error):
    response = as_lead.post("/staff/incidents/new/", form_data(**values))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Please check what you entered" in html
    assert error in html
    assert "BRI, BNI" in html or values.get("banks") is not None  # what was typed is kept
    assert not Incident.objects.exists()


def test_the_form_is_prefilled_from_the_query(as_lead):
    html = as_lead.get(
        "/staff/incidents/new/?category=payment_failed&payment_method=virtual_account&bank=BRI"
    ).content.decode()

    assert 'name="categories" value="payment_failed" id="id_categories_0" checked' in html
    assert (
        'name="payment_methods" value="virtual_account" id="id_payment_methods_2" checked' in html
    )
    assert ">\nBRI</textarea>" in html
    assert 'type="submit" class="button button-primary" id="declare-incident"' in html
    assert ">Declare incident</button>" in html


def test_a_prefilled_checkbox_is_checked(as_lead):
    html = as_lead.get("/staff/incidents/new/?payment_method=qris").content.decode()

    qris = html[html.index('value="qris"') - 120 : html.index('value="qris"') + 60]
    balance = html[html.index('value="balance"') - 120 : html.index('value="balance"') + 60]
    assert "checked" in qris
    assert "checked" not in balance


# Editing


def test_a_lead_edits_an_incident(as_lead, incident):
    response = as_lead.post(
        f"/staff/incidents/{incident.pk}/edit/",
        form_data(title_en="BRI and BNI top-ups delayed", banks="BRI, BNI", status=""),
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.title_en == "BRI and BNI top-ups delayed"
    assert incident.banks == ["BNI", "BRI"]
    assert incident.status == Incident.Status.INVESTIGATING  # status changes through updates


def test_the_edit_form_shows_the_incident(as_lead, incident):
    html = as_lead.get(f"/staff/incidents/{incident.pk}/edit/").content.decode()

    assert 'value="BRI virtual account top-ups delayed"' in html
    assert ">\nBRI</textarea>" in html
    assert 'name="status"' not in html


def test_an_agent_may_not_edit(as_agent, incident):
    response = as_agent.post(f"/staff/incidents/{incident.pk}/edit/", form_data())

    assert response.status_code == 403


# The incident page


def test_the_page_shows_counts_linking_to_the_queue(as_agent, incident, payments):
    TicketFactory.create_batch(2, queue=payments, incident=incident)
    TicketFactory(queue=payments, incident=incident, status=Ticket.Status.RESOLVED)

    html = as_agent.get(f"/staff/incidents/{incident.pk}/").content.decode()

    assert "Linked tickets: 3" in html
    assert f'href="/staff/queue/?incident={incident.pk}&amp;status=new"' in html
    assert "Top-ups via BRI virtual account are delayed." in html
    assert 'id="post-update"' not in html  # agents follow, leads act
    assert 'id="resolve-incident"' not in html


def test_the_page_offers_leads_update_and_resolve(as_lead, incident, payments):
    TicketFactory.create_batch(3, queue=payments, incident=incident)

    html = as_lead.get(f"/staff/incidents/{incident.pk}/").content.decode()

    assert ">Post update</button>" in html
    assert ">Resolve incident</button>" in html
    assert "Open tickets linked to this incident: 3." in html
    assert "this changes 3 open linked tickets" in html


def test_an_unknown_incident_is_404(as_lead):
    assert as_lead.get("/staff/incidents/999999/").status_code == 404


def test_posting_an_update_that_tells_customers_starts_a_job(as_lead, incident, payments):
    TicketFactory.create_batch(2, queue=payments, incident=incident)

    response = as_lead.post(
        f"/staff/incidents/{incident.pk}/update/",
        {
            "status": "identified",
            "message_en": "BRI found the cause.",
            "message_id": "",
            "message_zh_hans": "",
            "notify_customers": "on",
        },
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Incident.Status.IDENTIFIED
    job = IncidentJob.objects.get(incident=incident)
    assert job.kind == IncidentJob.Kind.NOTIFY
    assert job.total == 2
    html = as_lead.get(f"/staff/incidents/{incident.pk}/").content.decode()
    assert "BRI found the cause." in html
    assert "every 2s" in html  # the job is followed in place


def test_an_update_without_notifying_starts_no_job(as_lead, incident):
    as_lead.post(
        f"/staff/incidents/{incident.pk}/update/",
        {"status": "monitoring", "message_en": "A fix is out."},
    )

    assert not IncidentJob.objects.exists()
    assert incident.updates.count() == 2


def test_an_empty_update_shows_an_error(as_lead, incident):
    response = as_lead.post(
        f"/staff/incidents/{incident.pk}/update/", {"status": "monitoring", "message_en": " "}
    )

    assert response.status_code == 400
    assert "Write the update in at least one language." in response.content.decode()
    assert incident.updates.count() == 1


def test_an_agent_may_not_post_updates_or_resolve(as_agent, incident):
    update = as_agent.post(
        f"/staff/incidents/{incident.pk}/update/",
        {"status": "monitoring", "message_en": "A fix is out."},
    )
    resolve = as_agent.post(
        f"/staff/incidents/{incident.pk}/resolve/",
        {"message_en": "Fixed.", "outcome": "resolved", "confirm": "on"},
    )

    assert update.status_code == resolve.status_code == 403
    incident.refresh_from_db()
    assert incident.is_active
    assert incident.updates.count() == 1


def test_resolving_asks_for_the_confirmation(as_lead, incident):
    response = as_lead.post(
        f"/staff/incidents/{incident.pk}/resolve/",
        {"message_en": "Fixed.", "outcome": "resolved", "notify_customers": "on"},
    )

    assert response.status_code == 400
    assert "Tick the box to confirm." in response.content.decode()
    incident.refresh_from_db()
    assert incident.is_active


def test_resolving_starts_a_resolve_job(as_lead, incident, payments):
    TicketFactory.create_batch(3, queue=payments, incident=incident)

    response = as_lead.post(
        f"/staff/incidents/{incident.pk}/resolve/",
        {
            "message_en": "BRI top-ups work again.",
            "outcome": "pending_customer",
            "notify_customers": "on",
            "confirm": "on",
        },
        follow=True,
    )

    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED
    job = IncidentJob.objects.get(incident=incident)
    assert (job.kind, job.outcome, job.total) == ("resolve", "pending_customer", 3)
    html = response.content.decode()
    assert "Incident resolved; 3 linked tickets are being updated." in html
    assert 'id="resolve-incident"' not in html


def test_resolving_twice_shows_the_error(as_lead, lead, incident):
    services.resolve(incident, by=lead, message_en="Fixed.")

    response = as_lead.post(
        f"/staff/incidents/{incident.pk}/resolve/",
        {"message_en": "Fixed.", "outcome": "resolved", "confirm": "on"},
        follow=True,
    )

    assert response.status_code == 200
    assert "This incident is already resolved." in response.content.decode()
    assert IncidentJob.objects.count() == 1


def test_the_progress_part_polls_while_a_job_runs(as_agent, lead, incident, payments):
    TicketFactory.create_batch(4, queue=payments, incident=incident)
    job = services.resolve(incident, by=lead, message_en="Fixed.")
    IncidentJob.objects.filter(pk=job.pk).update(state="running", done=1)

    running = as_agent.get(f"/staff/incidents/{incident.pk}/progress/").content.decode()
    IncidentJob.objects.filter(pk=job.pk).update(state="done", done=4)
    done = as_agent.get(f"/staff/incidents/{incident.pk}/progress/").content.decode()

    assert 'hx-trigger="every 2s"' in running
    assert "1 of 4 tickets (25%)" in running
    assert '<progress max="4" value="1"' in running
    assert "every 2s" not in done
    assert "4 of 4 tickets (100%)" in done


# The queue and the ticket page


def test_the_queue_filters_by_incident(as_agent, incident, payments):
    linked = TicketFactory(queue=payments, incident=incident, subject="Linked one")
    TicketFactory(queue=payments, subject="Unrelated one")

    html = as_agent.get(f"/staff/queue/?incident={incident.pk}").content.decode()

    assert linked.reference in html
    assert "Unrelated one" not in html
    assert f'<input type="hidden" name="incident" value="{incident.pk}">' in html


def test_the_queue_filter_by_incident_and_status(as_agent, incident, payments):
    TicketFactory(queue=payments, incident=incident, subject="Still open")
    TicketFactory(
        queue=payments, incident=incident, status=Ticket.Status.RESOLVED, subject="Done one"
    )

    html = as_agent.get(f"/staff/queue/?incident={incident.pk}&status=resolved").content.decode()

    assert "Done one" in html
    assert "Still open" not in html


def test_a_bad_incident_filter_is_a_form_error(as_agent):
    response = as_agent.get("/staff/queue/?incident=abc")

    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()


def _bulk(client, tickets, action, **values):
    data = {
        "tickets": [t.pk for t in tickets],
        "action": action,
        "status": "open",
        "priority": "2",
        "assignee": "me",
        "queue": "payments",
        "tag": "",
        "incident": "",
        "next": "/staff/queue/",
        **values,
    }
    for ticket in tickets:
        data[f"version_{ticket.pk}"] = version_of(ticket)
    return client.post("/staff/queue/bulk/", data, follow=True)


def test_bulk_link_and_unlink_through_the_queue(as_agent, incident, payments):
    tickets = TicketFactory.create_batch(3, queue=payments)

    html = as_agent.get("/staff/queue/").content.decode()
    assert '<option value="link_incident">Link to incident…</option>' in html
    assert f'<option value="{incident.pk}">#{incident.pk} BRI virtual account' in html

    response = _bulk(as_agent, tickets, "link_incident", incident=str(incident.pk))
    assert "3 tickets updated." in response.content.decode()
    assert Ticket.objects.filter(incident=incident).count() == 3
    assert all(incident.tag in t.tags.all() for t in Ticket.objects.filter(incident=incident))

    tickets = list(Ticket.objects.filter(pk__in=[t.pk for t in tickets]))
    response = _bulk(as_agent, tickets[:2], "unlink_incident")
    assert "2 tickets updated." in response.content.decode()
    assert Ticket.objects.filter(incident=incident).count() == 1


def test_bulk_link_refuses_a_resolved_incident(as_agent, lead, incident, payments):
    tickets = TicketFactory.create_batch(2, queue=payments)
    services.resolve(incident, by=lead, message_en="Fixed.")

    response = _bulk(as_agent, tickets, "link_incident", incident=str(incident.pk))

    assert "No such active incident." in response.content.decode()
    assert not Ticket.objects.filter(incident=incident).exists()


def test_bulk_link_leaves_tickets_outside_the_agents_queues(as_agent, incident, payments, refunds):
    theirs = TicketFactory(queue=refunds)

    response = _bulk(as_agent, [theirs], "link_incident", incident=str(incident.pk))

    assert "not found in your queues" in response.content.decode()
    assert Ticket.objects.get(pk=theirs.pk).incident_id is None


def test_the_ticket_page_shows_and_links_the_incident(as_agent, incident, payments):
    ticket = TicketFactory(queue=payments)

    html = as_agent.get(f"/staff/tickets/{ticket.reference}/").content.decode()
    assert 'id="link-incident"' in html

    response = as_agent.post(
        f"/staff/tickets/{ticket.reference}/incident/",
        {"action": "link", "incident": incident.pk},
    )
    assert response.status_code == 302
    html = as_agent.get(f"/staff/tickets/{ticket.reference}/").content.decode()
    assert f'href="/staff/incidents/{incident.pk}/" id="ticket-incident-link"' in html
    assert "BRI virtual account top-ups delayed" in html

    as_agent.post(f"/staff/tickets/{ticket.reference}/incident/", {"action": "unlink"})
    assert Ticket.objects.get(pk=ticket.pk).incident_id is None


def test_linking_from_the_ticket_page_needs_an_active_incident(as_agent, payments):
    ticket = TicketFactory(queue=payments)

    response = as_agent.post(
        f"/staff/tickets/{ticket.reference}/incident/",
        {"action": "link", "incident": "abc"},
        follow=True,
    )

    assert "Choose an active incident." in response.content.decode()


def test_another_queues_ticket_cannot_be_linked(as_agent, incident, refunds):
    theirs = TicketFactory(queue=refunds)

    response = as_agent.post(
        f"/staff/tickets/{theirs.reference}/incident/", {"action": "link", "incident": incident.pk}
    )

    assert response.status_code == 404
    assert Ticket.objects.get(pk=theirs.pk).incident_id is None


def test_the_menu_counts_active_incidents(as_agent, lead, django_capture_on_commit_callbacks):
    def menu_entry() -> str:
        html = as_agent.get("/staff/incidents/").content.decode()
        return html.split('id="nav-incidents"')[1].split("</a>")[0]

    assert "badge" not in menu_entry()

    with django_capture_on_commit_callbacks(execute=True):
        incident = declare(lead)
    assert 'title="active incidents">1</span>' in menu_entry()

    with django_capture_on_commit_callbacks(execute=True):
        services.resolve(incident, by=lead, message_en="Fixed.")
    assert "badge" not in menu_entry()
