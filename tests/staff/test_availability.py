"""Going away asks what happens to the agent's open tickets, and can be undone for a few
minutes (issue 17, part 3); leads see who is away."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.factories import TicketFactory, UserFactory
from tickets import assignment, roles
from tickets.models import AwayHandover, Queue, QueueMembership, Ticket

pytestmark = pytest.mark.django_db


def _agent(queue, name, *, available=True, role=roles.AGENT, lead=False):
    user = UserFactory(name=name, is_available=available)
    user.groups.add(Group.objects.get(name=role))
    QueueMembership.objects.create(queue=queue, user=user, is_lead=lead)
    return user


@pytest.fixture
def round_robin(payments):
    Queue.objects.filter(pk=payments.pk).update(assignment=Queue.Assignment.ROUND_ROBIN)
    payments.refresh_from_db()
    return payments


def _go_away(client, choice, **extra):
    return client.post(
        "/staff/availability/", {"available": "0", "tickets": choice, "next": "/staff/", **extra}
    )


def _handover(agent) -> AwayHandover:
    return AwayHandover.objects.filter(agent=agent).latest("created_at")


def test_it_asks_before_going_away_without_javascript(client, agent, payments):
    TicketFactory.create_batch(3, queue=payments, assignee=agent)
    client.force_login(agent)

    page = client.get("/staff/availability/away/", {"next": "/staff/queue/"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "What happens to your 3 open tickets?" in html
    assert 'value="keep" checked' in html
    assert 'name="next" value="/staff/queue/"' in html
    agent.refresh_from_db()
    assert agent.is_available


def test_a_post_without_a_choice_asks_instead_of_moving_tickets(client, agent, payments):
    mine = TicketFactory(queue=payments, assignee=agent)
    client.force_login(agent)

    page = client.post("/staff/availability/", {"available": "0"})

    assert page.status_code == 200
    assert "What happens to your 1 open ticket?" in page.content.decode()
    agent.refresh_from_db()
    mine.refresh_from_db()
    assert agent.is_available
    assert mine.assignee == agent


def test_a_wrong_choice_is_an_error_in_the_page(client, agent):
    client.force_login(agent)

    page = _go_away(client, "give-them-to-mei")

    assert page.status_code == 400
    assert "Choose what happens to your open tickets." in page.content.decode()
    agent.refresh_from_db()
    assert agent.is_available


def test_the_dialog_content_for_htmx_is_the_form_alone(client, agent):
    client.force_login(agent)

    page = client.get("/staff/availability/away/", HTTP_HX_REQUEST="true")

    html = page.content.decode()
    assert 'id="away-form"' in html
    assert "<html" not in html
    assert "You have no open tickets." in html


def test_keeping_them_leaves_the_tickets_with_the_agent(client, agent, round_robin):
    _agent(round_robin, "Staying")
    mine = TicketFactory.create_batch(2, queue=round_robin, assignee=agent)
    client.force_login(agent)

    response = _go_away(client, "keep")

    assert response.status_code == 302
    agent.refresh_from_db()
    assert not agent.is_available
    assert agent.availability_changed_at is not None
    assert Ticket.objects.filter(pk__in=[t.pk for t in mine], assignee=agent).count() == 2
    page = client.get("/staff/").content.decode()
    assert "Your open tickets stay yours." in page
    assert 'id="away-undo-button"' in page
    # The offer is shown once.
    assert 'id="away-undo-button"' not in client.get("/staff/").content.decode()


def test_handing_back_unassigns_with_an_event_each(client, agent, round_robin):
    _agent(round_robin, "Staying")
    mine = TicketFactory.create_batch(2, queue=round_robin, assignee=agent)
    resolved = TicketFactory(queue=round_robin, assignee=agent, status="resolved")
    client.force_login(agent)

    _go_away(client, "unassign")

    for ticket in mine:
        ticket.refresh_from_db()
        assert ticket.assignee is None
        event = ticket.events.get(kind="assignee")
        assert (event.old_value, event.new_value, event.actor_user) == (agent.email, "", agent)
    resolved.refresh_from_db()
    assert resolved.assignee == agent
    assert "2 tickets went back to the queue." in client.get("/staff/").content.decode()


def test_reassigning_follows_each_queues_rule(client, agent, round_robin):
    staying = _agent(round_robin, "Staying")
    _agent(round_robin, "Also away", available=False)
    complaints = Queue.objects.get(slug="complaints")
    assert complaints.assignment == Queue.Assignment.MANUAL
    QueueMembership.objects.create(queue=complaints, user=agent)
    _agent(complaints, "Complaints colleague")  # assigned by hand there: nobody is chosen
    automatic = TicketFactory(queue=round_robin, assignee=agent)
    by_hand = TicketFactory(queue=complaints, assignee=agent)
    client.force_login(agent)

    _go_away(client, "reassign")

    automatic.refresh_from_db()
    by_hand.refresh_from_db()
    assert automatic.assignee == staying
    assert by_hand.assignee is None
    page = client.get("/staff/").content.decode()
    assert "1 ticket went to a colleague." in page
    assert "1 ticket went back to the queue." in page


def test_undo_restores_availability_and_the_tickets_moved(client, agent, round_robin):
    staying = _agent(round_robin, "Staying")
    mine = TicketFactory.create_batch(3, queue=round_robin, assignee=agent)
    client.force_login(agent)
    _go_away(client, "reassign")
    assert Ticket.objects.filter(assignee=staying).count() == 3

    response = client.post(
        "/staff/availability/undo/", {"handover": _handover(agent).pk, "next": "/staff/queue/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/queue/"
    agent.refresh_from_db()
    assert agent.is_available
    for ticket in mine:
        ticket.refresh_from_db()
        assert ticket.assignee == agent
        assert [e.new_value for e in ticket.events.filter(kind="assignee").order_by("pk")] == [
            "",
            staying.email,
            agent.email,
        ]
    page = client.get("/staff/queue/").content.decode()
    assert "You are available again. 3 tickets are yours again." in page


def test_undo_leaves_a_ticket_someone_else_reassigned_meanwhile(client, agent, lead, round_robin):
    _agent(round_robin, "Staying")
    other = _agent(round_robin, "Mei")
    first, second = TicketFactory.create_batch(2, queue=round_robin, assignee=agent)
    client.force_login(agent)
    _go_away(client, "unassign")
    # The lead gives one to Mei, and one is given away and back again: both changed since.
    assignment.assign(ticket=first, assignee=other, by=lead)
    third = TicketFactory(queue=round_robin, assignee=agent)
    assignment.assign(ticket=third, assignee=None, by=lead)
    assignment.assign(ticket=third, assignee=agent, by=lead)

    client.post("/staff/availability/undo/", {"handover": _handover(agent).pk})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.assignee == other
    assert second.assignee == agent
    page = client.get("/staff/").content.decode()
    assert "1 ticket is yours again." in page
    assert (
        f"1 ticket could not be put back: {first.reference} "
        "(someone else changed its assignee since)." in page
    )


def test_undo_skips_a_ticket_changed_and_changed_back(client, agent, lead, round_robin):
    ticket = TicketFactory(queue=round_robin, assignee=agent)
    client.force_login(agent)
    _go_away(client, "unassign")
    assignment.assign(ticket=ticket, assignee=lead, by=lead)
    assignment.assign(ticket=ticket, assignee=None, by=lead)

    client.post("/staff/availability/undo/", {"handover": _handover(agent).pk})

    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert "could not be put back" in client.get("/staff/").content.decode()


def test_an_expired_undo_changes_nothing(client, agent, round_robin):
    ticket = TicketFactory(queue=round_robin, assignee=agent)
    client.force_login(agent)
    _go_away(client, "unassign")
    handover = _handover(agent)
    AwayHandover.objects.filter(pk=handover.pk).update(
        created_at=timezone.now() - timedelta(minutes=assignment.UNDO_MINUTES, seconds=1)
    )

    client.post("/staff/availability/undo/", {"handover": handover.pk})

    ticket.refresh_from_db()
    agent.refresh_from_db()
    assert ticket.assignee is None
    assert not agent.is_available
    assert "It is too late to undo" in client.get("/staff/").content.decode()


def test_another_user_cannot_undo_an_agents_handover(client_factory, agent, lead, round_robin):
    ticket = TicketFactory(queue=round_robin, assignee=agent)
    mine = client_factory()
    mine.force_login(agent)
    _go_away(mine, "unassign")
    theirs = client_factory()
    theirs.force_login(lead)

    theirs.post("/staff/availability/undo/", {"handover": _handover(agent).pk})

    ticket.refresh_from_db()
    agent.refresh_from_db()
    assert ticket.assignee is None
    assert not agent.is_available
    assert "There is nothing to undo." in theirs.get("/staff/").content.decode()


def test_undo_works_once_and_only_for_the_latest_going_away(client, agent, round_robin):
    TicketFactory(queue=round_robin, assignee=agent)
    client.force_login(agent)
    _go_away(client, "unassign")
    earlier = _handover(agent)
    client.post("/staff/availability/", {"available": "1"})
    _go_away(client, "keep")

    client.post("/staff/availability/undo/", {"handover": earlier.pk})
    assert "There is nothing to undo." in client.get("/staff/").content.decode()

    latest = _handover(agent)
    client.post("/staff/availability/undo/", {"handover": latest.pk})
    client.post("/staff/availability/undo/", {"handover": latest.pk})
    assert "There is nothing to undo." in client.get("/staff/").content.decode()
    agent.refresh_from_db()
    assert agent.is_available


def test_undo_with_a_bad_handover_is_an_error_not_a_crash(client, agent):
    client.force_login(agent)

    response = client.post("/staff/availability/undo/", {"handover": "1; DROP TABLE"})

    assert response.status_code == 302
    assert "There is nothing to undo." in client.get("/staff/").content.decode()


def test_going_away_is_staff_only_and_post_only(client, customer, agent):
    client.force_login(customer)
    assert (
        client.post("/staff/availability/", {"available": "0", "tickets": "keep"}).status_code
        == 302
    )
    assert not AwayHandover.objects.exists()
    client.force_login(agent)
    assert client.get("/staff/availability/").status_code == 405
    assert client.get("/staff/availability/undo/").status_code == 405


def test_leads_see_who_is_away_and_since_when(client, lead, agent, payments, refunds):
    away = _agent(payments, "Mei <script>alert(1)</script>", available=False)
    away.availability_changed_at = timezone.now() - timedelta(minutes=5)
    away.save(update_fields=["availability_changed_at"])
    TicketFactory.create_batch(2, queue=payments, assignee=agent)
    stranger = _agent(refunds, "Rudi Refunds")
    client.force_login(lead)

    page = client.get("/staff/").content.decode()

    assert 'id="team-panel"' in page
    panel = page[page.index('id="team-panel"') :]
    assert "Mei &lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert "<script>alert(1)" not in panel
    assert "5\xa0minutes ago" in panel
    assert "Away" in panel
    assert stranger.name not in panel
    row = panel[panel.index(agent.name) :]
    assert '<td class="num">2</td>' in row[: row.index("</tr>")]


def test_an_agent_does_not_see_the_team_panel(client, agent, lead):
    client.force_login(agent)

    page = client.get("/staff/").content.decode()

    assert 'id="team-panel"' not in page
