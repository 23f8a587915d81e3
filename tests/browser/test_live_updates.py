"""Live updates (issue 17): two agents on one ticket see each other, and each other's notes and
changes, within 2 s; an open queue page shows a new ticket without a reload; with the socket
cut, the pages fall back to polling and still update. Served by live_site (uvicorn, the ASGI
application, the Redis channel layer of the test settings)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.axe import PolicyRefusals
from tests.factories import TicketFactory
from tickets import presence, roles, services
from tickets.models import Category, QueueMembership
from tickets.services import Actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(1440, 900), (1280, 720)]
PHONE = (390, 844)
SHOTS = "/tmp/shots/live"


@pytest.fixture
def mei(payments):
    """A second agent of the payments queue, with a name that needs escaping."""
    from tests.factories import UserFactory

    user = UserFactory(name="<b>Mei</b> Lestari 美玲")
    user.groups.add(Group.objects.get(name=roles.AGENT))
    QueueMembership.objects.create(queue=payments, user=user)
    return user


def open_ticket(context, live_site, ticket):
    page = context.new_page()
    page.goto(f"{live_site}/staff/tickets/{ticket.reference}/")
    expect(page.locator("html[data-live=up]")).to_be_attached()
    return page


@pytest.mark.parametrize(("width", "height"), [*SIZES, PHONE])
def test_two_agents_see_each_other_and_each_others_typing_within_2_s(
    live_site, staff_context, agent, mei, customer, payments, width, height
):
    ticket = TicketFactory(queue=payments, requester=customer.contact)
    budi = open_ticket(
        staff_context(agent, viewport={"width": width, "height": height}), live_site, ticket
    )
    refused = PolicyRefusals(budi)

    # when Mei opens the same ticket
    other = open_ticket(
        staff_context(mei, viewport={"width": width, "height": height}), live_site, ticket
    )

    # then each sees the other, the name as text (never as markup)
    expect(budi.locator("#presence")).to_contain_text("<b>Mei</b> is viewing", timeout=2000)
    expect(other.locator("#presence")).to_contain_text("Budi is viewing", timeout=2000)
    assert budi.locator("#presence b").count() == 0
    expect(other.locator("#presence")).not_to_contain_text("Mei")

    # when Mei types a reply, Budi sees it within 2 s, and it stops when she stops
    other.locator("#reply-form textarea[name=body]").press_sequentially("Halo, saya cek dulu")
    expect(budi.locator("#presence .presence-typing")).to_have_text(
        "<b>Mei</b> is typing…", timeout=2000
    )
    budi.screenshot(path=f"{SHOTS}/typing-{width}x{height}.png", caret="initial")
    # The chips pass axe-core's checks (on Mei's page: axe leaves style attributes behind, which
    # a later htmx swap on the page would copy, and the policy refuse; so would a screenshot
    # that hides the caret, hence caret="initial").
    results = Axe().run(other, context="#presence")
    assert results.violations_count == 0, results.generate_report()

    # when she sends it, she is no longer typing
    other.locator("#send-reply").click()
    expect(budi.locator("#presence")).to_have_text("<b>Mei</b> is viewing", timeout=2000)
    expect(budi.locator("#thread")).to_contain_text("Halo, saya cek dulu", timeout=2000)

    # when Mei closes the ticket, Budi sees her go
    other.close()
    expect(budi.locator("#presence")).not_to_contain_text("Mei", timeout=2000)
    assert refused == [], refused


def test_a_note_and_a_field_change_by_one_agent_appear_on_the_others_page_without_losing_a_draft(
    live_site, staff_context, agent, mei, customer, payments
):
    ticket = TicketFactory(queue=payments, requester=customer.contact)
    budi = open_ticket(staff_context(agent), live_site, ticket)
    other = open_ticket(staff_context(mei), live_site, ticket)
    # Budi is halfway through a reply.
    draft = "Mohon kirim nomor transaksi Anda 请提供交易号"
    budi.locator("#reply-form textarea[name=body]").fill(draft)

    # when Mei adds an internal note on her page
    other.locator("#reply-form input[name=kind][value=internal]").check()
    other.locator("#reply-form textarea[name=body]").fill("Cek di dashboard merchant dulu")
    other.locator("#send-reply").click()

    # then it appears in Budi's thread within 2 s, and his draft is untouched
    expect(budi.locator("#thread .message-note")).to_contain_text(
        "Cek di dashboard merchant dulu", timeout=2000
    )
    expect(budi.locator("#reply-form textarea[name=body]")).to_have_value(draft)

    # when a lead's change arrives from elsewhere (a service, as the API or a macro would)
    live_site.in_thread(
        lambda: services.change_priority(
            ticket=type(ticket).objects.get(pk=ticket.pk), priority=4, by=Actor.agent(mei)
        )
    )

    # then Budi's audit trail shows it within 2 s, the draft still there
    expect(budi.locator("#audit-trail")).to_contain_text("Priority changed", timeout=2000)
    expect(budi.locator("#reply-form textarea[name=body]")).to_have_value(draft)
    budi.screenshot(path=f"{SHOTS}/note-arrived-1440x900.png", caret="initial")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_new_ticket_appears_on_an_open_queue_page_within_2_s(
    live_site, staff_context, agent, customer, payments, width, height
):
    page = staff_context(agent, viewport={"width": width, "height": height}).new_page()
    page.goto(f"{live_site}/staff/queue/?queue=payments")
    expect(page.locator("html[data-live=up]")).to_be_attached()

    # when a customer files a ticket (the service the portal and the API call)
    created = live_site.in_thread(
        lambda: services.create_ticket(
            requester=customer.contact,
            category=Category.objects.get(code="payment_failed"),
            subject="Saldo terpotong tapi QRIS gagal",
            body="Saya bayar pakai QRIS, saldo terpotong, merchant belum terima.",
        )
    )

    # then its row appears without a reload, marked as new
    row = page.locator(".queue-row", has_text=created.reference)
    expect(row).to_be_visible(timeout=2000)
    expect(row).to_have_class(re.compile(r"\bqueue-row-new\b"))
    page.screenshot(path=f"{SHOTS}/queue-new-ticket-{width}x{height}.png", caret="initial")


def test_an_agent_of_another_queue_hears_nothing_of_it(
    live_site, staff_context, agent_of_other_queue, customer
):
    page = staff_context(agent_of_other_queue).new_page()
    page.goto(f"{live_site}/staff/queue/")
    expect(page.locator("html[data-live=up]")).to_be_attached()
    page.evaluate(
        "window.heard = [];"
        "document.addEventListener('live:queue_changed', (e) => heard.push(e.detail.reference))"
    )

    def file(category: str, subject: str):
        return services.create_ticket(
            requester=customer.contact,
            category=Category.objects.get(code=category),
            subject=subject,
            body="Tolong dibantu.",
        )

    # when a payments ticket is filed, then a refunds one (announced in that order)
    payments_ticket = live_site.in_thread(file, "payment_failed", "Not for the refunds queue")
    refunds_ticket = live_site.in_thread(file, "refund", "A refund for Rudi")

    # then only the refunds ticket reached Rudi's page
    expect(page.locator(".queue-row", has_text=refunds_ticket.reference)).to_be_visible(
        timeout=2000
    )
    assert page.evaluate("window.heard") == [refunds_ticket.reference]
    expect(page.locator(".queue-row", has_text=payments_ticket.reference)).to_have_count(0)


def test_with_the_socket_cut_the_ticket_page_falls_back_to_polling_and_still_updates(
    live_site, staff_context, agent, mei, customer, payments, monkeypatch
):
    # Polling every 2 s instead of 10, so the test need not wait (the live server is in-process).
    monkeypatch.setattr(presence, "PING_SECONDS", 2)
    ticket = TicketFactory(queue=payments, requester=customer.contact)
    budi_context = staff_context(agent)
    # The socket never connects: the page must live on polling alone.
    budi_context.route_web_socket("**/staff/live/**", lambda ws: ws.close())
    budi = budi_context.new_page()
    budi.goto(f"{live_site}/staff/tickets/{ticket.reference}/")
    budi.locator("#reply-form textarea[name=body]").fill("draft")
    other = open_ticket(staff_context(mei), live_site, ticket)

    # Mei's page (on its socket) sees Budi, who is only polling
    expect(other.locator("#presence")).to_contain_text("Budi is typing", timeout=4000)
    # and Budi's page sees Mei through its polls
    expect(budi.locator("#presence")).to_contain_text("Mei", timeout=4000)

    # when Mei adds a note, Budi's poll notices and redraws the thread in place
    other.locator("#reply-form input[name=kind][value=internal]").check()
    other.locator("#reply-form textarea[name=body]").fill("Catatan lewat polling")
    other.locator("#send-reply").click()
    expect(budi.locator("#thread .message-note")).to_contain_text(
        "Catatan lewat polling", timeout=5000
    )
    expect(budi.locator("#reply-form textarea[name=body]")).to_have_value("draft")
    budi.screenshot(path=f"{SHOTS}/fallback-polling-1440x900.png", caret="initial")
