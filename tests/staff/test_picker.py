"""The ticket page's picker: the canned responses and macros usable on this ticket, as JSON."""

import pytest

from tests.factories import TicketFactory
from tickets.models import CannedResponse, Macro

pytestmark = pytest.mark.django_db


@pytest.fixture
def chinese_ticket(payments, customer):
    return TicketFactory(queue=payments, requester=customer.contact, language="zh-hans")


def items_of(client, ticket) -> list[dict]:
    response = client.get(f"/staff/tickets/{ticket.reference}/picker/")
    assert response.status_code == 200
    return response.json()["items"]


def test_it_lists_usable_items_the_tickets_language_first(
    as_agent, chinese_ticket, payments, refunds
):
    CannedResponse.objects.create(title="A English", language="en", body="Hi {customer_name}")
    CannedResponse.objects.create(title="B 中文", language="zh-hans", body="您好", queue=payments)
    CannedResponse.objects.create(title="Refunds only", language="zh-hans", body="x", queue=refunds)
    CannedResponse.objects.create(title="Old", language="zh-hans", body="x", is_active=False)
    Macro.objects.create(title="C 已退款", language="zh-hans", set_priority=3)
    Macro.objects.create(title="D any language", set_priority=1)
    Macro.objects.create(title="Bahasa only", language="id", set_priority=1)
    Macro.objects.create(title="Refunds macro", queue=refunds, set_priority=1)
    Macro.objects.create(title="Inactive macro", set_priority=1, is_active=False)

    items = items_of(as_agent, chinese_ticket)

    assert [(i["kind"], i["title"], i["language"]) for i in items] == [
        ("canned", "B 中文", "zh-hans"),
        ("macro", "C 已退款", "zh-hans"),
        ("macro", "D any language", ""),
        ("canned", "A English", "en"),
    ]
    assert items[0]["language_label"] == "简体中文"
    assert items[2]["language_label"] == "any language"
    assert items[0]["url"].endswith(f"/canned/{items[0]['id']}/")
    assert items[1]["url"].endswith(f"/macros/{items[1]['id']}/")


def test_the_text_of_an_item_is_sent_to_filter_on(as_agent, ticket):
    CannedResponse.objects.create(
        title="Refund timing", language="en", body="Refunds arrive within 1-3 working days."
    )

    (item,) = items_of(as_agent, ticket)

    assert "1-3 working days" in item["text"]


def test_nothing_for_an_agent_of_another_queue(client, ticket, agent_of_other_queue):
    client.force_login(agent_of_other_queue)

    assert client.get(f"/staff/tickets/{ticket.reference}/picker/").status_code == 404


def test_customers_get_no_picker(client, customer, ticket):
    client.force_login(customer)

    response = client.get(f"/staff/tickets/{ticket.reference}/picker/")

    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_the_ticket_page_has_the_combobox(as_agent, ticket):
    CannedResponse.objects.create(title="Hello", language="en", body="Hi")

    html = as_agent.get(f"/staff/tickets/{ticket.reference}/").content.decode()

    assert 'role="combobox"' in html
    assert 'aria-controls="picker-list"' in html
    assert "js/picker.js" in html
    assert 'id="canned-select"' not in html
