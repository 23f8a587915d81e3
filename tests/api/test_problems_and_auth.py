"""Errors as problem JSON, the three ways to authenticate, API keys and throttling."""

import pytest
from rest_framework.test import APIClient

from api.models import ApiKey
from tickets.models import Ticket

from .conftest import api_key, make_client, problem_of, signed_in
from .test_create_ticket import GUEST

pytestmark = pytest.mark.django_db


def test_it_answers_an_unknown_api_address_with_problem_json(api):
    response = api.get("/api/v1/nothing-here/")

    assert problem_of(response)["type"].endswith("/api/problems/not-found")


def test_it_answers_a_ticket_that_does_not_exist_like_one_that_is_not_yours(caller, ticket):
    client = caller("other_customer")

    missing = problem_of(client.get("/api/v1/tickets/GP-ZZZZZZ/"))
    hidden = problem_of(client.get(f"/api/v1/tickets/{ticket.reference}/"))

    assert missing == hidden


def test_it_refuses_an_illegal_status_move_with_409(caller, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status="resolved")

    response = caller("agent").patch(
        f"/api/v1/tickets/{ticket.reference}/", {"status": "pending_customer"}, format="json"
    )

    assert problem_of(response)["status"] == 409
    assert "cannot be moved" in response.json()["detail"]


def test_it_applies_staff_changes_through_the_services(caller, ticket, agent, refunds):
    response = caller("lead").patch(
        f"/api/v1/tickets/{ticket.reference}/",
        {"priority": "urgent", "status": "on_hold", "assignee": agent.pk, "tags": ["bri"]},
        format="json",
    )

    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.status, ticket.assignee) == (4, "on_hold", agent)
    kinds = set(ticket.events.values_list("kind", flat=True))
    assert {"priority", "status", "assignee", "tags"} <= kinds


def test_it_refuses_an_agent_giving_a_ticket_to_someone_else(caller, ticket, lead):
    response = caller("agent").patch(
        f"/api/v1/tickets/{ticket.reference}/", {"assignee": lead.pk}, format="json"
    )

    assert problem_of(response)["status"] == 409


def test_the_session_needs_the_csrf_token_to_write(customer, ticket):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(customer)

    read = client.get(f"/api/v1/tickets/{ticket.reference}/")
    write = client.post(f"/api/v1/tickets/{ticket.reference}/messages/", {"body": "hi"})

    assert read.status_code == 200
    assert problem_of(write)["status"] == 403
    assert "CSRF" in write.json()["detail"]


def test_an_api_key_acts_as_its_owner_within_its_scopes(agent, ticket):
    reader = make_client(Authorization=f"Bearer {api_key(agent, 'read')}")
    writer = make_client(Authorization=f"Bearer {api_key(agent, 'read', 'write')}")
    path = f"/api/v1/tickets/{ticket.reference}/notes/"

    assert reader.get(f"/api/v1/tickets/{ticket.reference}/").status_code == 200
    assert problem_of(reader.post(path, {"body": "n"}, format="json"))["status"] == 403
    assert writer.post(path, {"body": "n"}, format="json").status_code == 201
    assert ApiKey.objects.filter(last_used_at__isnull=False).count() == 2


def test_a_revoked_wrong_or_expired_key_is_refused(agent):
    from django.utils import timezone

    revoked = api_key(agent, revoked_at=timezone.now())
    expired = api_key(agent, expires_at=timezone.now())
    for raw in (revoked, expired, "hd_00000000_nope", "garbage"):
        response = make_client(Authorization=f"Bearer {raw}").get("/api/v1/me/")
        assert problem_of(response)["status"] == 401
        assert response.json()["type"].endswith("/authentication-failed")


def test_only_the_hash_of_a_key_is_stored_and_the_admin_shows_it_once(client, admin_user, agent):
    client.force_login(admin_user)

    response = client.post(
        "/admin/api/apikey/add/",
        {"name": "CRM sync", "user": agent.pk, "scopes": ["read"]},
        follow=True,
    )

    key = ApiKey.objects.get()
    [shown] = [str(m) for m in response.context["messages"] if "copy it now" in str(m)]
    raw = shown.split("is ")[1].split(" ")[0]
    assert key.hashed_key != raw
    assert raw not in key.hashed_key
    assert key.matches(raw)
    assert make_client(Authorization=f"Bearer {raw}").get("/api/v1/me/").json()["id"] == agent.pk


def test_a_bad_guest_link_is_refused(api):
    response = make_client(Authorization="GuestLink not-a-token").get("/api/v1/me/")

    assert problem_of(response)["status"] == 401


def test_a_guest_link_opens_only_its_own_ticket(caller, ticket):
    from tests.factories import TicketFactory

    sibling = TicketFactory(requester=ticket.requester)

    response = caller("guest").get(f"/api/v1/tickets/{sibling.reference}/")

    assert problem_of(response)["status"] == 404


def test_it_throttles_creation_per_address_with_retry_after(api, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"create-ip": "2/h"}
    }

    answers = [api.post("/api/v1/tickets/", GUEST, format="json") for _ in range(3)]

    assert [a.status_code for a in answers] == [201, 201, 429]
    assert problem_of(answers[2])["type"].endswith("/api/problems/throttled")
    assert int(answers[2]["Retry-After"]) > 0


def test_it_throttles_search_per_user(customer, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"search-user": "1/m"}
    }
    client = signed_in(customer)

    first = client.get("/api/v1/faq/search/", {"q": "refund"})
    second = client.get("/api/v1/faq/search/", {"q": "refund"})

    assert first.status_code == 200
    assert problem_of(second)["status"] == 429


def test_a_server_error_under_api_is_problem_json(client):
    from django.test import RequestFactory

    from api.problems import handler500

    response = handler500(RequestFactory().get("/api/v1/tickets/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
