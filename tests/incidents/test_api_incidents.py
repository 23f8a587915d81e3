"""The incidents API (/api/v1/incidents/): staff read, leads and admins write, bad input is a
problem JSON naming the field, refusals of the services are 409, resolving answers its job."""

import pytest

from api.models import IdempotentRequest
from incidents.models import Incident, IncidentJob, IncidentUpdate
from tests.api.conftest import api_key, make_client, problem_of
from tests.factories import TicketFactory
from tickets.models import Tag, Ticket

from .core import declare

pytestmark = pytest.mark.django_db

DECLARE = {
    "title_en": "BRI virtual-account top-ups delayed",
    "title_id": "Top up via virtual account BRI tertunda",
    "message_en": "Top-ups via BRI virtual account are delayed since 09:40; your money is safe.",
    "categories": ["payment_failed"],
    "payment_methods": ["virtual_account"],
    "banks": ["BRI"],
}


def keyed(user, *scopes: str):
    return make_client(Authorization=f"Bearer {api_key(user, *scopes)}")


@pytest.fixture
def as_role(request):
    def make(role: str, *scopes: str):
        if role == "anonymous":
            return make_client()
        user = request.getfixturevalue("admin_user" if role == "admin" else role)
        return keyed(user, *scopes)

    return make


@pytest.fixture
def incident(lead):
    return declare(lead)


# Reading


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("customer", 403), ("agent", 200), ("lead", 200), ("admin", 200)],
)
def test_staff_read_incidents_and_nobody_else(as_role, incident, role, expected):
    client = as_role(role)

    listing = client.get("/api/v1/incidents/")
    detail = client.get(f"/api/v1/incidents/{incident.pk}/")

    assert (listing.status_code, detail.status_code) == (expected, expected)
    if expected == 200:
        assert [row["id"] for row in listing.json()["results"]] == [incident.pk]
        assert detail.json()["title_en"] == incident.title_en
    else:
        problem_of(listing)


def test_the_detail_counts_linked_tickets_by_status_and_shows_updates(agent, incident, payments):
    TicketFactory.create_batch(2, queue=payments, incident=incident)
    TicketFactory(queue=payments, incident=incident, status=Ticket.Status.RESOLVED)
    TicketFactory(queue=payments)  # not linked

    body = keyed(agent).get(f"/api/v1/incidents/{incident.pk}/").json()

    assert body["ticket_counts"]["new"] == 2
    assert body["ticket_counts"]["resolved"] == 1
    assert sum(body["ticket_counts"].values()) == 3
    assert [u["status"] for u in body["updates"]] == ["investigating"]
    assert body["job"] is None
    assert body["categories"] == ["payment_failed"]
    assert body["tag"] == incident.tag.name
    assert "requester" not in str(body)


def test_the_list_filters_by_status_and_active(agent, lead):
    active = declare(lead, title_en="Active")
    identified = declare(lead, title_en="Identified", status="identified")
    done = declare(lead, title_en="Done")
    Incident.objects.filter(pk=done.pk).update(status="resolved", resolved_at=done.started_at)
    client = keyed(agent)

    def ids(query):
        response = client.get("/api/v1/incidents/", query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids({"active": "true"}) == {active.pk, identified.pk}
    assert ids({"active": "false"}) == {done.pk}
    assert ids({"status": "identified"}) == {identified.pk}
    assert ids({"status": ["identified", "resolved"]}) == {identified.pk, done.pk}


@pytest.mark.parametrize("query", [{"active": "maybe"}, {"status": "broken"}, {"active": ""}])
def test_a_bad_filter_is_a_problem_naming_it(agent, query):
    response = keyed(agent).get("/api/v1/incidents/", query)

    assert response.status_code == 400
    assert set(problem_of(response)["errors"]) == set(query)


def test_an_unknown_incident_or_job_is_a_404_problem(agent, incident):
    client = keyed(agent)

    for url in ("/api/v1/incidents/999999/", f"/api/v1/incidents/{incident.pk}/jobs/999999/"):
        response = client.get(url)
        assert response.status_code == 404
        assert problem_of(response)["type"].endswith("/not-found")


# Declaring and editing


def test_a_lead_declares_an_incident_with_its_tag_and_categories(lead):
    response = keyed(lead).post("/api/v1/incidents/", DECLARE, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(pk=body["id"])
    assert response["Location"] == f"/api/v1/incidents/{incident.pk}/"
    assert incident.declared_by == lead
    assert incident.status == "investigating"
    assert list(incident.categories.values_list("pk", flat=True)) == ["payment_failed"]
    assert incident.banks == ["BRI"]
    assert Tag.objects.filter(pk=incident.tag_id).exists()
    assert body["tag"] == incident.tag.name
    assert body["updates"][0]["message_en"] == DECLARE["message_en"]


@pytest.mark.parametrize(
    ("role", "scopes", "expected"),
    [
        ("agent", ("read", "write"), 403),
        ("customer", ("read", "write"), 403),
        ("lead", ("read",), 403),  # the key has no write scope
        ("anonymous", (), 401),
        ("lead", ("read", "write"), 201),
        ("admin", ("read", "write"), 201),
    ],
)
def test_only_leads_and_admins_with_a_write_key_declare(as_role, role, scopes, expected):
    response = as_role(role, *scopes).post("/api/v1/incidents/", DECLARE, format="json")

    assert response.status_code == expected
    assert Incident.objects.exists() == (expected == 201)
    if expected != 201:
        problem_of(response)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**DECLARE, "title_en": "", "title_id": ""}, "title_en"),
        ({**DECLARE, "message_en": "  "}, "message_en"),
        ({**DECLARE, "status": "resolved"}, "status"),
        ({**DECLARE, "categories": ["no_such_topic"]}, "categories"),
        ({**DECLARE, "payment_methods": ["cash"]}, "payment_methods"),
        ({**DECLARE, "banks": "BRI"}, "banks"),
        ({**DECLARE, "started_at": "yesterday"}, "started_at"),
        (
            {
                **DECLARE,
                "started_at": "2026-11-21T10:00:00+07:00",
                "expected_end_at": "2026-11-21T09:00:00+07:00",
            },
            "expected_end_at",
        ),
        ({**DECLARE, "colour": "red"}, "colour"),
        ({**DECLARE, "title_en": "x" * 201}, "title_en"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(lead, body, field):
    response = keyed(lead).post("/api/v1/incidents/", body, format="json")

    assert response.status_code == 400
    # A list's item is named with its index: "categories.0".
    assert field in {name.split(".")[0] for name in problem_of(response)["errors"]}
    assert not Incident.objects.exists()


def test_a_declaration_retried_with_its_idempotency_key_declares_once(lead):
    client = keyed(lead)
    headers = {"Idempotency-Key": "declare-bri-0940"}

    first = client.post("/api/v1/incidents/", DECLARE, format="json", headers=headers)
    again = client.post("/api/v1/incidents/", DECLARE, format="json", headers=headers)
    other = client.post(
        "/api/v1/incidents/", {**DECLARE, "banks": ["BNI"]}, format="json", headers=headers
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Incident.objects.count() == 1
    assert IdempotentRequest.objects.count() == 1
    assert other.status_code == 422
    problem_of(other)


def test_a_lead_edits_texts_conditions_and_times(admin_user, incident):
    response = keyed(admin_user).patch(
        f"/api/v1/incidents/{incident.pk}/",
        {"message_zh_hans": "BRI 虚拟账户充值延迟。", "banks": ["BRI", "BNI"], "categories": []},
        format="json",
    )

    assert response.status_code == 200, response.content
    incident.refresh_from_db()
    assert incident.message_zh_hans == "BRI 虚拟账户充值延迟。"
    assert incident.banks == ["BNI", "BRI"]
    assert not incident.categories.exists()
    assert incident.title_en  # unchanged


def test_a_lead_of_one_queue_cannot_widen_an_incident_to_every_category(lead, incident):
    response = keyed(lead).patch(
        f"/api/v1/incidents/{incident.pk}/", {"categories": []}, format="json"
    )

    assert response.status_code == 409, response.content
    assert "only an admin" in response.json()["detail"]
    assert incident.categories.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"status": "monitoring"}, "status"),
        ({"expected_end_at": "2000-01-01T00:00:00Z"}, "expected_end_at"),
        ({"show_banner": "perhaps"}, "show_banner"),
    ],
)
def test_a_bad_edit_is_a_problem(lead, incident, body, field):
    response = keyed(lead).patch(f"/api/v1/incidents/{incident.pk}/", body, format="json")

    assert response.status_code == 400
    assert field in problem_of(response)["errors"]


def test_an_agent_cannot_edit(agent, incident):
    response = keyed(agent).patch(
        f"/api/v1/incidents/{incident.pk}/", {"title_en": "Mine now"}, format="json"
    )

    assert response.status_code == 403
    problem_of(response)
    incident.refresh_from_db()
    assert incident.title_en != "Mine now"


# Updates and resolution


def test_a_lead_posts_an_update_that_tells_customers_by_a_job(lead, incident, payments):
    TicketFactory.create_batch(3, queue=payments, incident=incident)

    response = keyed(lead).post(
        f"/api/v1/incidents/{incident.pk}/updates/",
        {"status": "identified", "message_en": "BRI found the cause.", "notify_customers": True},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "identified"
    assert body["updates"][0]["message_en"] == "BRI found the cause."
    job = IncidentJob.objects.get(incident=incident)
    assert (job.kind, job.total) == ("notify", 3)
    assert body["job"]["id"] == job.pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "identified"}, "message_en"),
        ({"status": "resolved", "message_en": "Done"}, "status"),
        ({"message_en": "No status"}, "status"),
        ({"status": "identified", "message_en": "x", "notify_customers": "yes please"}, None),
    ],
)
def test_a_bad_update_is_a_problem(lead, incident, body, field):
    response = keyed(lead).post(f"/api/v1/incidents/{incident.pk}/updates/", body, format="json")

    assert response.status_code == 400
    errors = problem_of(response)["errors"]
    assert field in errors if field else errors
    assert IncidentUpdate.objects.filter(incident=incident).count() == 1


def test_resolving_answers_202_with_its_job_followed_at_its_url(lead, agent, incident, payments):
    TicketFactory.create_batch(4, queue=payments, incident=incident)
    TicketFactory(queue=payments, incident=incident, status=Ticket.Status.CLOSED)

    response = keyed(lead).post(
        f"/api/v1/incidents/{incident.pk}/resolve/",
        {"message_en": "Top-ups work again.", "outcome": "pending_customer"},
        format="json",
    )

    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["state"], job["total"], job["done"], job["kind"]) == ("queued", 4, 0, "resolve")
    assert job["outcome"] == "pending_customer"
    assert response["Location"] == job["url"]
    incident.refresh_from_db()
    assert incident.status == "resolved"
    assert incident.resolved_at is not None
    progress = keyed(agent).get(job["url"])
    assert progress.status_code == 200
    assert progress.json()["id"] == job["id"]


def test_a_resolved_incident_refuses_updates_and_resolution_with_409(lead, incident):
    client = keyed(lead)
    client.post(
        f"/api/v1/incidents/{incident.pk}/resolve/", {"message_en": "Fixed."}, format="json"
    )

    again = client.post(
        f"/api/v1/incidents/{incident.pk}/resolve/", {"message_en": "Fixed."}, format="json"
    )
    update = client.post(
        f"/api/v1/incidents/{incident.pk}/updates/",
        {"status": "monitoring", "message_en": "Still fine."},
        format="json",
    )

    assert (again.status_code, update.status_code) == (409, 409)
    assert "already resolved" in problem_of(again)["detail"]
    problem_of(update)
    assert IncidentJob.objects.filter(incident=incident).count() == 1


def test_an_agent_cannot_resolve(agent, incident):
    response = keyed(agent).post(
        f"/api/v1/incidents/{incident.pk}/resolve/", {"message_en": "Fixed."}, format="json"
    )

    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.is_active


def test_a_job_of_another_incident_is_a_404(agent, lead, incident):
    other = declare(lead, title_en="Other")
    job = keyed(lead).post(
        f"/api/v1/incidents/{other.pk}/resolve/", {"message_en": "Fixed."}, format="json"
    )

    response = keyed(agent).get(f"/api/v1/incidents/{incident.pk}/jobs/{job.json()['id']}/")

    assert response.status_code == 404


# Linking tickets


def test_a_lead_links_and_unlinks_tickets_by_reference(lead, incident, payments):
    tickets = TicketFactory.create_batch(3, queue=payments)
    closed = TicketFactory(queue=payments, status=Ticket.Status.CLOSED)
    references = [t.reference.lower() for t in tickets] + [closed.reference]
    client = keyed(lead)

    linked = client.post(
        f"/api/v1/incidents/{incident.pk}/tickets/", {"references": references}, format="json"
    )
    again = client.post(
        f"/api/v1/incidents/{incident.pk}/tickets/",
        {"references": [tickets[0].reference]},
        format="json",
    )

    assert linked.status_code == 200, linked.content
    assert linked.json()["changed"] == 3
    assert linked.json()["unchanged"] == [closed.reference]
    assert again.json() == {"changed": 0, "references": [], "unchanged": [tickets[0].reference]}
    assert Ticket.objects.filter(incident=incident).count() == 3
    assert set(Ticket.objects.get(pk=tickets[0].pk).tags.values_list("pk", flat=True)) == {
        incident.tag_id
    }

    unlinked = client.post(
        f"/api/v1/incidents/{incident.pk}/tickets/unlink/",
        {"references": [tickets[0].reference, tickets[1].reference]},
        format="json",
    )

    assert unlinked.status_code == 200
    assert unlinked.json()["changed"] == 2
    assert Ticket.objects.filter(incident=incident).count() == 1
    assert not Ticket.objects.get(pk=tickets[0].pk).tags.exists()


def test_unlinking_leaves_tickets_of_another_incident(lead, incident, payments):
    other = declare(lead, title_en="Other")
    ticket = TicketFactory(queue=payments, incident=other)

    response = keyed(lead).post(
        f"/api/v1/incidents/{incident.pk}/tickets/unlink/",
        {"references": [ticket.reference]},
        format="json",
    )

    assert response.json()["changed"] == 0
    assert Ticket.objects.get(pk=ticket.pk).incident_id == other.pk


@pytest.mark.parametrize(
    "body",
    [
        {"references": []},
        {"references": "GP-7K3M9Q"},
        {"references": ["GP-7K3M9Q"] * 1001},
        {},
    ],
)
def test_bad_link_input_is_a_problem(lead, incident, body):
    response = keyed(lead).post(f"/api/v1/incidents/{incident.pk}/tickets/", body, format="json")

    assert response.status_code == 400
    assert "references" in problem_of(response)["errors"]


def test_tickets_outside_the_leads_queues_refuse_the_whole_link(lead, incident, refunds, payments):
    mine = TicketFactory(queue=payments)
    theirs = TicketFactory(queue=refunds)

    response = keyed(lead).post(
        f"/api/v1/incidents/{incident.pk}/tickets/",
        {"references": [mine.reference, theirs.reference, "GP-NOSUCH"]},
        format="json",
    )

    assert response.status_code == 400
    message = problem_of(response)["errors"]["references"][0]
    assert theirs.reference in message
    assert "GP-NOSUCH" in message
    assert mine.reference not in message
    assert not Ticket.objects.filter(incident=incident).exists()


def test_linking_to_a_resolved_incident_is_a_409(lead, incident, payments):
    ticket = TicketFactory(queue=payments)
    keyed(lead).post(
        f"/api/v1/incidents/{incident.pk}/resolve/", {"message_en": "Fixed."}, format="json"
    )

    response = keyed(lead).post(
        f"/api/v1/incidents/{incident.pk}/tickets/",
        {"references": [ticket.reference]},
        format="json",
    )

    assert response.status_code == 409
    problem_of(response)
    assert Ticket.objects.get(pk=ticket.pk).incident_id is None


def test_an_agent_cannot_link(agent, incident, ticket):
    response = keyed(agent).post(
        f"/api/v1/incidents/{incident.pk}/tickets/",
        {"references": [ticket.reference]},
        format="json",
    )

    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).incident_id is None


# The schema


def test_the_schema_documents_every_incident_operation_and_its_problems():
    schema = make_client().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]

    assert set(paths["/api/v1/incidents/"]) >= {"get", "post"}
    assert "422" in paths["/api/v1/incidents/"]["post"]["responses"]
    assert "202" in paths["/api/v1/incidents/{incident_id}/resolve/"]["post"]["responses"]
    for path in (
        "/api/v1/incidents/{incident_id}/updates/",
        "/api/v1/incidents/{incident_id}/tickets/",
        "/api/v1/incidents/{incident_id}/tickets/unlink/",
    ):
        responses = paths[path]["post"]["responses"]
        assert {"400", "403", "404", "409"} <= set(responses)
        assert "422" not in responses
    assert "patch" in paths["/api/v1/incidents/{incident_id}/"]
    assert "get" in paths["/api/v1/incidents/{incident_id}/jobs/{job_id}/"]
