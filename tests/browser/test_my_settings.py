"""An agent picks a time zone and Chinese on "My settings"; the pages then show dates in both,
and the settings page has no serious accessibility violation (issue 17, time display)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.axe import PolicyRefusals, violations
from tests.browser.staff_pages import VIEWPORTS, sign_in
from tests.factories import ContactFactory
from tickets import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_switches_to_chinese_in_singapore_time(site, browser, agent, payments):
    with time_machine.travel(
        datetime(2026, 12, 2, 10, 19, tzinfo=ZoneInfo("Asia/Jakarta")), tick=False
    ):
        ticket = services.create_ticket(
            requester=ContactFactory(name="王芳"),
            category="payment_failed",
            subject="二维码支付失败",
            body="付款失败，但是已经扣款了。",
        )
    context = browser.new_context(viewport=VIEWPORTS["1440x900"], locale="en-GB")
    page = context.new_page()
    refused = PolicyRefusals(page)
    sign_in(page, site, agent)

    page.goto(site + "/staff/settings/")
    assert violations(page, refused) == []
    page.locator("#id_language").select_option("zh-hans")
    page.locator("#id_time_zone").select_option("Asia/Singapore")
    page.locator("#my-settings button[type=submit]").click()

    expect(page.locator("h1")).to_have_text("我的设置")
    page.goto(site + f"/staff/tickets/{ticket.reference}/")
    # 10:19 in Jakarta is 11:19 in Singapore.
    expect(page.locator("#thread time").first).to_have_text("2026年12月2日 11:19")
    assert list(refused) == []
    context.close()
