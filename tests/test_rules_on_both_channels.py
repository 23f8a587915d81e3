"""One rule, one place (tickets.events, tickets.assignment), the same on the staff page and in the
API: a change asked of an older version of the ticket is refused, a deactivated agent is given
no ticket, "unassigned" is spelt "none" or "nobody" on both, and a phone number is stored in
E.164 however it was typed."""

import pytest

from tests.api.conftest import make_client, problem_of, signed_in
from tests.api.test_create_ticket import GUEST
from tests.factories import ContactFactory, TicketFactory
from tests.portal.conftest import VALID, as_guest
from tests.staff.conftest import htmx
from tickets.events import version_of
from tickets.models import Contact, Ticket
from tickets.services import Actor, change_priority

pytestmark = pytest.mark.django_db


def staff_update(client, ticket, **data):
    return client.post(f"/staff/tickets/{ticket.reference}/update/", data, **htmx())


def api_patch(user, ticket, data, **headers):
    return signed_in(user).patch(
        f"/api/v1/tickets/{ticket.reference}/", data, format="json", **headers
    )


# A change asked of an older version


def test_the_staff_page_refuses_a_change_to_a_ticket_changed_since(client, lead, agent, ticket):
    drawn = version_of(ticket)
    change_priority(ticket=ticket, priority=1, by=Actor.agent(agent))
    client.force_login(lead)

    response = staff_update(client, ticket, field="priority", value="4", version=drawn)

    assert response.status_code == 409
    ticket.refresh_from_db()
    assert ticket.priority == 1


def test_the_api_refuses_a_change_to_a_ticket_changed_since_with_412(lead, agent, ticket):
    etag = signed_in(lead).get(f"/api/v1/tickets/{ticket.reference}/")["ETag"]
    change_priority(ticket=ticket, priority=1, by=Actor.agent(agent))

    response = api_patch(lead, ticket, {"priority": "urgent"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert problem_of(response)["type"].endswith("/precondition-failed")
    assert "Someone else changed" in problem_of(response)["detail"]
    ticket.refresh_from_db()
    assert ticket.priority == 1


def test_the_api_applies_a_change_to_the_version_it_names(lead, ticket):
    etag = signed_in(lead).get(f"/api/v1/tickets/{ticket.reference}/")["ETag"]

    response = api_patch(lead, ticket, {"priority": "urgent"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag  # the new version, for the next change
    assert response.json()["priority"] == "urgent"


@pytest.mark.parametrize("if_match", [None, "*"])
def test_the_api_without_a_version_changes_the_ticket_as_it_is(lead, agent, ticket, if_match):
    change_priority(ticket=ticket, priority=1, by=Actor.agent(agent))
    headers = {"HTTP_IF_MATCH": if_match} if if_match else {}

    response = api_patch(lead, ticket, {"priority": "urgent"}, **headers)

    assert response.status_code == 200


# A deactivated agent


@pytest.fixture
def former_agent(agent):
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    return agent


def test_the_staff_page_gives_no_ticket_to_a_deactivated_agent(client, lead, former_agent, ticket):
    client.force_login(lead)

    response = staff_update(client, ticket, field="assignee", value=str(former_agent.pk))

    assert response.status_code == 400
    assert "can no longer take tickets" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_the_api_gives_no_ticket_to_a_deactivated_agent(lead, former_agent, ticket):
    response = api_patch(lead, ticket, {"assignee": former_agent.pk})

    assert response.status_code == 409
    assert "can no longer take tickets" in problem_of(response)["detail"]
    ticket.refresh_from_db()
    assert ticket.assignee is None


# "Unassigned"


@pytest.mark.parametrize("word", ["none", "nobody"])
def test_unassigned_is_either_word_on_both_channels(client, lead, agent, payments, word):
    taken = TicketFactory(queue=payments, assignee=agent, subject="Taken by Budi")
    free = TicketFactory(queue=payments, subject="Nobody has it")
    client.force_login(lead)

    page = client.get("/staff/queue/", {"queue": "payments", "assignee": word})
    listed = signed_in(lead).get("/api/v1/tickets/", {"assignee": word})

    assert page.status_code == 200
    assert free.subject in page.content.decode()
    assert taken.subject not in page.content.decode()
    assert [row["reference"] for row in listed.json()["results"]] == [free.reference]


# One phone number, one spelling (E.164), whatever the channel and however it was typed

SPELLINGS = [
    ("0812 3456 7890", "+6281234567890"),
    ("+62 812-3456-7890", "+6281234567890"),
    ("62 (812) 3456.7890", "+6281234567890"),
    ("0812\u00a03456\u00a07890", "+6281234567890"),  # a no-break space from a copied number
    ("+86 138 0013 8000", "+8613800138000"),
    # The international form without its +: never read as a national number (+62 62812...).
    ("62 812 345 678", "+62812345678"),
    ("628123456789", "+628123456789"),
]


def web_guest_ticket(client, phone):
    return client.post(
        "/tickets/new/payment_failed/", as_guest(VALID["payment_failed"], phone=phone)
    )


def api_guest_ticket(phone):
    return make_client().post("/api/v1/tickets/", {**GUEST, "phone": phone}, format="json")


@pytest.mark.parametrize(("typed", "stored"), SPELLINGS)
def test_the_web_form_stores_a_phone_number_in_e164(client, typed, stored):
    assert web_guest_ticket(client, typed).status_code == 302
    assert Contact.objects.get().phone.as_e164 == stored


@pytest.mark.parametrize(("typed", "stored"), SPELLINGS)
def test_the_api_stores_a_phone_number_in_e164(typed, stored):
    assert api_guest_ticket(typed).status_code == 201
    assert Contact.objects.get().phone.as_e164 == stored


NO_SUCH_NUMBERS = ["+62 000 0000 0000", "+999 1234 5678", "0000 0000", "6281234567"]


@pytest.mark.parametrize("typed", NO_SUCH_NUMBERS)
def test_both_refuse_a_phone_number_no_plan_has(client, typed):
    page = web_guest_ticket(client, typed)
    api = api_guest_ticket(typed)

    assert page.status_code == 200
    assert "No phone number has these digits" in page.content.decode()
    assert api.status_code == 400
    assert "No phone number has these digits" in problem_of(api)["errors"]["phone"][0]
    assert not Ticket.objects.exists()


def test_agents_read_the_number_in_the_international_format(client, agent, payments):
    ticket = TicketFactory(queue=payments, requester=ContactFactory(phone="+6281234567890"))
    client.force_login(agent)

    page = client.get(f"/staff/tickets/{ticket.reference}/").content.decode()

    assert "+62 812-3456-7890" in page
