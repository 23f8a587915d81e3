"""An admin sets up two-step sign-in in a real browser, then signs in with a code (issue "Staff
accounts", part 1). The pages pass axe-core's checks and keep the Content-Security-Policy."""

import re
from base64 import b32decode

import pytest
from django.core.cache import cache
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.axe import EVERY_IMPACT, PolicyRefusals, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def code_from(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key (steps_ahead: a later 30 s window)."""
    return f"{totp(b32decode(secret), drift=steps_ahead):06d}"


def accessible(page, refused: PolicyRefusals) -> None:
    assert violations(page, refused, impacts=EVERY_IMPACT) == []


def sign_in_with_password(page, site: str, email: str) -> None:
    page.goto(site + "/staff/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", "correct-horse-battery")
    page.locator("form.card button[type=submit]").click()


def test_an_admin_sets_up_an_authenticator_and_later_signs_in_with_a_code(
    site, browser, admin_user, settings
):
    settings.STAFF_TWO_FACTOR = "leads"
    # The per-address limits count in the cache; earlier tests' attempts must not count here.
    cache.clear()
    context = browser.new_context(**DESKTOP, locale="en-GB")
    page = context.new_page()
    refused = PolicyRefusals(page)

    # Right after the password: the set-up page with its QR code and the key as text.
    sign_in_with_password(page, site, admin_user.email)
    expect(page.locator("h1")).to_have_text("Set up two-step sign-in")
    expect(page.locator("img.two-factor-qr")).to_be_visible()
    assert page.locator("img.two-factor-qr").evaluate("img => img.naturalWidth") > 0
    accessible(page, refused)
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)

    # Confirmed with the app's code: the recovery codes, shown once.
    page.fill("#id_code", code_from(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    accessible(page, refused)
    page.get_by_role("link", name="I have saved them, continue").click()
    expect(page.locator("h1")).to_contain_text("Hello")

    # A later sign-in asks for the code (the next 30 s window: each code works once).
    context.clear_cookies()
    sign_in_with_password(page, site, admin_user.email)
    expect(page.locator("h1")).to_have_text("Enter your sign-in code")
    accessible(page, refused)
    page.goto(site + "/staff/queue/")
    expect(page.locator("h1")).to_have_text("Enter your sign-in code")
    page.fill("#id_code", code_from(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/staff/queue/$"))
    page.goto(site + "/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    assert refused == []
    context.close()
