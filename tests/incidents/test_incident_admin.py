"""Incidents in the Django admin: declaring and editing go through incidents.services (tag,
categories, first update, webhooks), the status is read-only there, leads and admins change,
agents only look, nobody deletes."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from api.models import WebhookDelivery, WebhookEndpoint
from incidents import services as incident_services
from incidents.models import Incident, IncidentJob
from tests.factories import TicketFactory
from tickets import roles
from tickets.models import Tag

from .core import declare

pytestmark = pytest.mark.django_db

ADD = "/admin/incidents/incident/add/"
LIST = "/admin/incidents/incident/"
INLINES = {
    f"{prefix}-{name}": "0"
    for prefix in ("updates", "jobs")
    for name in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def change_url(incident) -> str:
    return f"/admin/incidents/incident/{incident.pk}/change/"


def form(**values) -> dict:
    started = timezone.localtime() - timezone.timedelta(minutes=20)
    data = {
        "title_id": "",
        "title_en": "BRI virtual-account top-ups delayed",
        "title_zh_hans": "",
        "message_id": "",
        "message_en": "Top-ups via BRI virtual account are delayed; your money is safe.",
        "message_zh_hans": "",
        "status": "identified",
        "categories": ["payment_failed"],
        "payment_methods": ["virtual_account"],
        "banks": "BRI, bni",
        "merchants": "",
        "match_new_tickets": "on",
        "show_banner": "on",
        "started_at_0": started.strftime("%Y-%m-%d"),
        "started_at_1": started.strftime("%H:%M:%S"),
        "expected_end_at_0": "",
        "expected_end_at_1": "",
        **INLINES,
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def admin_lead(lead):
    lead.is_staff = True
    lead.save(update_fields=["is_staff"])
    return lead


@pytest.fixture
def admin_agent(agent):
    """An agent let into the admin (is_staff) by mistake: the role still only lets them look."""
    agent.is_staff = True
    agent.save(update_fields=["is_staff"])
    return agent


@pytest.mark.parametrize("who", ["admin_user", "admin_lead"])
def test_declaring_in_the_admin_goes_through_the_service(client, request, who):
    user = request.getfixturevalue(who)
    WebhookEndpoint.objects.create(
        name="Status", url="http://127.0.0.1:9/", events=["incident.created"]
    )
    client.force_login(user)

    response = client.post(ADD, form())

    assert response.status_code == 302, response.content.decode()[:3000]
    incident = Incident.objects.get()
    assert incident.declared_by == user
    assert incident.status == "identified"
    assert list(incident.categories.values_list("pk", flat=True)) == ["payment_failed"]
    assert incident.payment_methods == ["virtual_account"]
    assert incident.banks == ["BRI", "bni"]
    assert incident.tag is not None
    assert Tag.objects.filter(name=f"incident-{incident.pk}").exists()
    assert [u.status for u in incident.updates.all()] == ["identified"]
    assert WebhookDelivery.objects.get().event == "incident.created"


def test_the_admin_redacts_a_card_number_pasted_into_the_message(admin_client):
    admin_client.post(ADD, form(message_en="Customers paying with 4111 1111 1111 1111 wait."))

    assert "4111 1111 1111 1111" not in Incident.objects.get().message_en


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title_en": ""}, "title_en"),
        ({"message_en": "   "}, "message_en"),
        ({"status": "resolved"}, "status"),
        (
            {"expected_end_at_0": "2000-01-01", "expected_end_at_1": "10:00:00"},
            "expected_end_at",
        ),
    ],
)
def test_bad_input_is_a_form_error_and_declares_nothing(admin_client, values, field):
    response = admin_client.post(ADD, form(**values))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Incident.objects.exists()
    assert not Tag.objects.filter(name__startswith="incident-").exists()


def test_editing_in_the_admin_goes_through_the_service_and_leaves_the_status(admin_client, lead):
    incident = declare(lead, banks=["BRI"])
    WebhookEndpoint.objects.create(
        name="Status", url="http://127.0.0.1:9/", events=["incident.updated"]
    )

    page = admin_client.get(change_url(incident))
    response = admin_client.post(
        change_url(incident),
        form(
            title_en="BRI and BNI top-ups delayed",
            status="monitoring",  # read-only here: ignored
            categories=["payment_failed", "refund"],
            banks="BRI, BNI",
        ),
    )

    assert page.status_code == 200
    assert "The status changes by posting an update" in page.content.decode()
    assert f'href="/staff/incidents/{incident.pk}/"' in page.content.decode()
    assert response.status_code == 302, response.content.decode()[:3000]
    incident.refresh_from_db()
    assert incident.title_en == "BRI and BNI top-ups delayed"
    assert incident.status == "investigating"
    assert set(incident.categories.values_list("pk", flat=True)) == {"payment_failed", "refund"}
    assert incident.banks == ["BNI", "BRI"]
    assert incident.tag.name == f"incident-{incident.pk}"
    assert WebhookDelivery.objects.get().event == "incident.updated"


def test_the_list_shows_linked_tickets_and_the_jobs_show_progress(admin_client, lead, payments):
    incident = declare(lead, title_en="QRIS payments failing")
    TicketFactory.create_batch(3, queue=payments, incident=incident)
    incident_services.resolve(incident, by=lead, message_en="QRIS works again.")
    IncidentJob.objects.filter(incident=incident).update(done=2)

    listing = admin_client.get(LIST)
    filtered = admin_client.get(LIST, {"status__exact": "resolved", "q": "QRIS"})
    jobs = admin_client.get("/admin/incidents/incidentjob/")
    page = admin_client.get(change_url(incident))

    assert listing.status_code == 200
    row = listing.content.decode().split("QRIS payments failing", 1)[1]
    assert '<td class="field-linked_tickets">3</td>' in row
    assert filtered.status_code == 200
    assert "QRIS payments failing" in filtered.content.decode()
    assert jobs.status_code == 200
    assert "2 / 3 (66%)" in jobs.content.decode()
    assert "2 / 3 (66%)" in page.content.decode()
    assert "QRIS works again." in page.content.decode()


def test_an_agent_may_look_but_not_declare_change_or_delete(client, admin_agent, lead):
    incident = declare(lead)
    client.force_login(admin_agent)

    assert client.get(LIST).status_code == 200
    assert client.get(change_url(incident)).status_code == 200  # read-only view
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, form()).status_code == 403
    assert client.post(change_url(incident), form(title_en="Changed")).status_code == 403
    assert client.get(f"/admin/incidents/incident/{incident.pk}/delete/").status_code == 403
    incident.refresh_from_db()
    assert incident.title_en != "Changed"
    assert Incident.objects.count() == 1


def test_nobody_deletes_an_incident_in_the_admin(admin_client, lead):
    incident = declare(lead)

    response = admin_client.get(f"/admin/incidents/incident/{incident.pk}/delete/")

    assert response.status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_the_roles_grant_incident_permissions():
    roles.sync_role_groups()

    def codenames(role):
        return set(
            Group.objects.get(name=role)
            .permissions.filter(content_type__app_label="incidents")
            .values_list("codename", flat=True)
        )

    view = {"view_incident", "view_incidentupdate", "view_incidentjob"}
    assert codenames(roles.AGENT) == view
    assert codenames(roles.LEAD) == view | {"add_incident", "change_incident"}
    assert codenames(roles.ADMIN) == view | {"add_incident", "change_incident"}
