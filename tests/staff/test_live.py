"""The staff pages' live socket (staff/live.py) through the whole ASGI application of
helpdesk/asgi.py: the session cookie, the Origin check, the consumer's checks, its groups, and
what ticket changes publish once they commit.

Each scenario runs on an event loop of its own thread (Playwright may keep one running on the
test's thread); writes happen through database_sync_to_async, like a view under ASGI."""

import asyncio
import threading

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections, transaction

from helpdesk.asgi import application
from tests.factories import TicketFactory, UserFactory
from tickets import services
from tickets.models import Category, Ticket
from tickets.services import Actor

pytestmark = [pytest.mark.django_db(transaction=True)]

ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    # One process, one event loop per scenario: the in-memory layer (the Redis one is exercised
    # by the browser tests and by test_live_without_redis.py).
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def run(scenario):
    """Run `scenario()` (a coroutine function) on a new event loop in a thread of its own."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(scenario())
        except BaseException as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the scenario did not finish"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def cookie_of(client_factory, user) -> tuple[bytes, bytes]:
    client = client_factory()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return (b"cookie", f"{name}={client.cookies[name].value}".encode())


def socket(query: str = "", headers=()) -> WebsocketCommunicator:
    path = "/staff/live/" + (f"?{query}" if query else "")
    return WebsocketCommunicator(application, path, headers=list(headers))


async def connects(communicator) -> bool:
    connected, _ = await communicator.connect()
    if connected:
        await communicator.disconnect()
    return connected


# Who may connect


def test_it_refuses_an_anonymous_visitor(ticket):
    assert run(lambda: connects(socket(f"ticket={ticket.pk}", [ORIGIN]))) is False


def test_it_refuses_a_customer_even_on_their_own_ticket(client_factory, customer, ticket):
    cookie = cookie_of(client_factory, customer)

    assert run(lambda: connects(socket(f"ticket={ticket.pk}", [ORIGIN, cookie]))) is False


def test_it_refuses_an_agent_the_ticket_on_the_page_of_another_queue(
    client_factory, agent_of_other_queue, ticket
):
    cookie = cookie_of(client_factory, agent_of_other_queue)

    assert run(lambda: connects(socket(f"ticket={ticket.pk}", [ORIGIN, cookie]))) is False
    # Without a ticket, the same agent is let in (their own pages).
    assert run(lambda: connects(socket("queues=all", [ORIGIN, cookie]))) is True


def test_it_refuses_a_socket_opened_by_a_page_of_another_site(client_factory, agent, ticket):
    cookie = cookie_of(client_factory, agent)
    evil = (b"origin", b"https://evil.example")

    assert run(lambda: connects(socket(f"ticket={ticket.pk}", [evil, cookie]))) is False
    assert run(lambda: connects(socket(f"ticket={ticket.pk}", [ORIGIN, cookie]))) is True


def test_it_refuses_a_session_that_still_owes_its_second_factor(
    client_factory, agent, ticket, settings
):
    cookie = cookie_of(client_factory, agent)
    settings.STAFF_TWO_FACTOR = "required"  # Budi has no authenticator yet: he must enrol first

    assert run(lambda: connects(socket(f"ticket={ticket.pk}", [ORIGIN, cookie]))) is False


def test_it_refuses_an_agent_deactivated_after_signing_in(client_factory, agent, ticket):
    cookie = cookie_of(client_factory, agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    assert run(lambda: connects(socket(f"ticket={ticket.pk}", [ORIGIN, cookie]))) is False


def test_it_refuses_a_malformed_or_unknown_ticket(client_factory, agent, ticket):
    cookie = cookie_of(client_factory, agent)
    queries = [
        "ticket=abc",
        f"ticket={ticket.pk}&ticket={ticket.pk + 1}",
        "ticket=99999999999999999999",
        "ticket=%ff",
        f"ticket={ticket.pk + 1000}",
    ]

    async def scenario():
        return [await connects(socket(query, [ORIGIN, cookie])) for query in queries]

    assert run(scenario) == [False] * len(queries)


# Presence


def test_two_agents_on_a_ticket_see_each_others_presence_and_typing(
    client_factory, agent, lead, ticket
):
    budi, rina = cookie_of(client_factory, agent), cookie_of(client_factory, lead)

    async def scenario():
        first = socket(f"ticket={ticket.pk}", [ORIGIN, budi])
        second = socket(f"ticket={ticket.pk}", [ORIGIN, rina])
        assert (await first.connect())[0]
        assert (await second.connect())[0]
        await first.send_json_to({"type": "presence", "state": "viewing"})
        told_first = await first.receive_json_from()
        told_second = await second.receive_json_from()
        await second.send_json_to({"type": "presence", "ticket": ticket.pk, "state": "typing"})
        typing = await first.receive_json_from()
        await second.receive_json_from()  # Rina's own page hears the list too, without her
        await second.disconnect()
        gone = await first.receive_json_from()
        await first.disconnect()
        return told_first, told_second, typing, gone

    told_first, told_second, typing, gone = run(scenario)

    assert told_first == {"event": "presence", "payload": {"ticket": ticket.pk, "present": []}}
    assert told_second["payload"]["present"] == [
        {"id": agent.pk, "name": "Budi", "state": "viewing"}
    ]
    assert typing["payload"]["present"] == [{"id": lead.pk, "name": "Rina", "state": "typing"}]
    assert gone["payload"]["present"] == []


def test_it_ignores_what_it_does_not_understand_and_stays_open(client_factory, agent, ticket):
    cookie = cookie_of(client_factory, agent)

    async def scenario():
        communicator = socket(f"ticket={ticket.pk}", [ORIGIN, cookie])
        assert (await communicator.connect())[0]
        await communicator.send_to(text_data="not json {")
        await communicator.send_to(text_data="[1, 2]")
        await communicator.send_to(bytes_data=b"\x00\x01")
        await communicator.send_json_to({"type": "presence", "state": "dancing"})
        await communicator.send_json_to({"type": "presence", "state": ["typing"]})
        await communicator.send_json_to({"type": "presence", "ticket": 0, "state": "typing"})
        await communicator.send_json_to({"type": "<script>alert(1)</script>"})
        silent = await communicator.receive_nothing(timeout=0.3)
        await communicator.send_json_to({"type": "ping"})
        answer = await communicator.receive_json_from()
        await communicator.disconnect()
        return silent, answer

    silent, answer = run(scenario)

    assert silent is True
    assert answer == {"event": "pong", "payload": {}}


# What ticket changes publish


def test_a_note_reaches_the_ticket_page_once_it_commits(client_factory, agent, lead, ticket):
    cookie = cookie_of(client_factory, agent)

    async def scenario():
        communicator = socket(f"ticket={ticket.pk}", [ORIGIN, cookie])
        assert (await communicator.connect())[0]
        message = await database_sync_to_async(services.add_agent_message)(
            ticket=ticket, agent=lead, body="Cek mutasi rekening dulu", internal=True
        )
        heard = await communicator.receive_json_from(timeout=2)
        await communicator.disconnect()
        return message, heard

    _, heard = run(scenario)

    assert heard["event"] == "ticket_changed"
    payload = heard["payload"]
    assert payload["ticket"] == ticket.pk
    assert payload["kind"] == "note"
    assert payload["event_id"] == ticket.events.get(kind="note").pk
    # Nothing of the note itself travels: the page asks for it, with its access checked.
    assert "Cek mutasi" not in str(heard)
    assert set(payload) == {"ticket", "kind", "version", "event_id"}


def test_a_rolled_back_change_sends_nothing(client_factory, agent, lead, ticket):
    cookie = cookie_of(client_factory, agent)

    def change_then_fail():
        with transaction.atomic():
            services.change_priority(ticket=ticket, priority=4, by=Actor.agent(lead))
            raise RuntimeError("something after the change failed")

    async def scenario():
        communicator = socket(f"ticket={ticket.pk}", [ORIGIN, cookie])
        assert (await communicator.connect())[0]
        with pytest.raises(RuntimeError):
            await database_sync_to_async(change_then_fail)()
        silent = await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()
        return silent

    assert run(scenario) is True
    assert Ticket.objects.get(pk=ticket.pk).priority != 4


def test_a_new_ticket_reaches_the_queue_pages_of_its_queue_only(
    client_factory, agent, agent_of_other_queue, customer
):
    budi = cookie_of(client_factory, agent)
    rudi = cookie_of(client_factory, agent_of_other_queue)
    refunds_id = agent_of_other_queue.queue_memberships.get().queue_id

    def file():
        return services.create_ticket(
            requester=customer.contact,
            category=Category.objects.get(code="payment_failed"),
            subject="QRIS gagal, saldo terpotong",
            body="Tolong dicek.",
        )

    async def scenario():
        payments_page = socket("queues=all", [ORIGIN, budi])
        # Rudi asks for the payments queue too: he only gets the queues he may see.
        refunds_page = socket(f"queues={refunds_id},1,2,3,4,5,6", [ORIGIN, rudi])
        assert (await payments_page.connect())[0]
        assert (await refunds_page.connect())[0]
        created = await database_sync_to_async(file)()
        heard = await payments_page.receive_json_from(timeout=2)
        silent = await refunds_page.receive_nothing(timeout=0.5)
        await payments_page.disconnect()
        await refunds_page.disconnect()
        return created, heard, silent

    created, heard, silent = run(scenario)

    assert heard == {
        "event": "queue_changed",
        "payload": {
            "ticket": created.pk,
            "reference": created.reference,
            "queue": created.queue_id,
            "kind": "created",
        },
    }
    assert silent is True


def test_a_notification_for_one_agent_reaches_only_their_pages(client_factory, agent, lead):
    from tickets import live

    budi, rina = cookie_of(client_factory, agent), cookie_of(client_factory, lead)

    async def scenario():
        mine = socket("", [ORIGIN, budi])
        theirs = socket("", [ORIGIN, rina])
        assert (await mine.connect())[0]
        assert (await theirs.connect())[0]
        await database_sync_to_async(live.send_now)(live.user_group(agent.pk), "hello", n=1)
        heard = await mine.receive_json_from(timeout=2)
        silent = await theirs.receive_nothing(timeout=0.3)
        await mine.disconnect()
        await theirs.disconnect()
        return heard, silent

    heard, silent = run(scenario)

    assert heard == {"event": "hello", "payload": {"n": 1}}
    assert silent is True


# The ticket page's parts, asked for when a change is heard


def test_the_parts_of_a_ticket_page_are_only_for_those_who_may_see_it(
    client, agent, agent_of_other_queue, ticket
):
    client.force_login(agent_of_other_queue)
    assert client.get(f"/staff/tickets/{ticket.reference}/parts/").status_code == 404

    client.force_login(agent)
    response = client.get(f"/staff/tickets/{ticket.reference}/parts/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="thread"' in html
    assert 'id="ticket-sidebar"' in html
    assert 'id="audit-trail"' in html
    assert 'id="reply-box"' not in html  # a reply being typed is never redrawn


def test_a_poll_tells_the_page_the_newest_message_and_version_and_refuses_nothing(
    client, agent, ticket
):
    client.force_login(agent)
    newest = ticket.messages.latest("pk").pk

    response = client.post(
        f"/staff/tickets/{ticket.reference}/presence/", {"state": "typing", "seen": "abc"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-latest="{newest}"' in html
    assert 'data-version="' in html


def test_a_staff_user_without_queues_gets_no_queue_groups(client_factory):
    from django.contrib.auth.models import Group

    from tickets import roles

    lonely = UserFactory(name="Nobody's Agent")
    lonely.groups.add(Group.objects.get(name=roles.AGENT))
    other = TicketFactory()
    cookie = cookie_of(client_factory, lonely)

    assert run(lambda: connects(socket(f"ticket={other.pk}", [ORIGIN, cookie]))) is False
    assert run(lambda: connects(socket("queues=all", [ORIGIN, cookie]))) is True
