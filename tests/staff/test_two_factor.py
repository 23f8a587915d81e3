"""Two-step sign-in of the staff (STAFF_TWO_FACTOR): a session that owes its second factor
reaches nothing but the code step or the set-up page; codes are checked, throttled and logged."""

import logging
import re
from base64 import b32decode
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.demo_data import DEMO_TOTP_SECRET
from staff import two_factor
from staff.urls import urlpatterns as staff_urlpatterns
from tests.api.conftest import api_key
from tests.factories import TicketFactory, UserFactory
from tests.staff.conftest import htmx
from tests.test_configuration import _start
from tickets import roles, second_factor
from tickets.models import User

PASSWORD = "correct-horse-battery"
# The pages a session owing its second factor may open.
OPEN = {"staff-login", "staff-logout", "staff-two-factor-code", "staff-two-factor-enrol"}


@pytest.fixture
def leads_policy(settings):
    settings.STAFF_TWO_FACTOR = "leads"


@pytest.fixture
def required_policy(settings):
    settings.STAFF_TWO_FACTOR = "required"


def authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def code_of(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the phone shows; steps_ahead=1 is the next 30 s window (a code is accepted once)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, steps_ahead):06d}"


def password_step(client, user, next_url: str = ""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("staff-login"), data)


def code_step(client, code: str, next_url: str = "/staff/"):
    return client.post(reverse("staff-two-factor-code"), {"code": code, "next": next_url})


def every_staff_url(ticket) -> list[tuple[str, str]]:
    """(name, URL) of every staff page, with this ticket's reference and id 1 as arguments."""
    found = []
    for pattern in staff_urlpatterns:
        if pattern.name in OPEN:
            continue
        kwargs = {}
        for name in pattern.pattern.converters:
            kwargs[name] = ticket.reference if name == "reference" else 1
        found.append((pattern.name, reverse(pattern.name, kwargs=kwargs)))
    return found


# Who is asked


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_a_lead_without_a_second_factor_from_every_staff_and_admin_page_to_set_one_up(
    client, lead, payments, leads_policy, method
):
    ticket = TicketFactory(queue=payments)
    client.force_login(lead)
    urls = [
        *every_staff_url(ticket),
        ("admin", reverse("admin:index")),
        ("changelist", reverse("admin:tickets_cannedresponse_changelist")),
        ("notifications", reverse("notification-preferences")),
        ("faq report", reverse("faq:report")),
    ]
    assert len(urls) >= 20

    for name, url in urls:
        response = getattr(client, method)(url)

        assert response.status_code == 302, (name, url, response.status_code)
        assert response.url.startswith(reverse("staff-two-factor-enrol")), (name, response.url)


@pytest.mark.django_db
def test_a_staff_member_with_an_authenticator_is_asked_for_its_code_on_every_page(
    client, lead, payments, leads_policy
):
    authenticator(lead)
    ticket = TicketFactory(queue=payments)
    client.force_login(lead)

    for name, url in [*every_staff_url(ticket), ("admin", reverse("admin:index"))]:
        response = client.get(url)

        assert response.status_code == 302, name
        assert response.url.startswith(reverse("staff-two-factor-code")), (name, response.url)
    assert client.get(reverse("staff-dashboard")).url.endswith("?next=%2Fstaff%2F")


@pytest.mark.django_db
def test_htmx_requests_are_told_to_go_to_the_code_step(client, lead, payments, leads_policy):
    authenticator(lead)
    ticket = TicketFactory(queue=payments)
    client.force_login(lead)

    response = client.post(reverse("staff-presence", args=[ticket.reference]), **htmx())

    assert response["HX-Redirect"].startswith(reverse("staff-two-factor-code"))


@pytest.mark.django_db
def test_with_leads_an_agent_may_work_without_a_second_factor(client, agent, leads_policy):
    client.force_login(agent)

    assert client.get(reverse("staff-dashboard")).status_code == 200
    assert client.get(reverse("staff-queue")).status_code == 200


@pytest.mark.django_db
def test_with_required_every_agent_must_set_one_up(client, agent, required_policy):
    response = password_step(client, agent)

    assert response.status_code == 302
    assert response.url == reverse("staff-two-factor-enrol") + "?next=%2Fstaff%2F"
    assert client.get(reverse("staff-queue")).url.startswith(reverse("staff-two-factor-enrol"))


@pytest.mark.django_db
def test_with_leads_an_agent_who_set_one_up_is_asked_for_it(client, agent, leads_policy):
    device = authenticator(agent)

    response = password_step(client, agent)

    assert response.url == reverse("staff-two-factor-code") + "?next=%2Fstaff%2F"
    assert code_step(client, code_of(device)).url == "/staff/"
    assert client.get(reverse("staff-dashboard")).status_code == 200


@pytest.mark.django_db
def test_off_asks_nobody(client, admin_user, settings):
    settings.STAFF_TWO_FACTOR = "off"
    authenticator(admin_user)

    response = password_step(client, admin_user)

    assert response.url == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


# Setting one up


@pytest.mark.django_db
def test_a_lead_sets_up_an_authenticator_and_gets_recovery_codes_shown_once(
    client, lead, leads_policy
):
    # given: the password, then the set-up page
    response = password_step(client, lead)
    assert response.url.startswith(reverse("staff-two-factor-enrol"))
    page = client.get(response.url)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    # when: the phone's code, computed from the key the page shows
    device = TOTPDevice.objects.get(user=lead)
    assert b32decode(secret) == device.bin_key
    wrong = client.post(response.url, {"code": "000000", "next": "/staff/"})
    assert "not right" in wrong.content.decode()
    device.throttle_reset()
    done = client.post(response.url, {"code": code_of(device), "next": "/staff/"})

    # then: signed in, the codes shown on the next page and never again
    assert done.status_code == 302
    assert done.url == reverse("staff-two-factor") + "?next=%2Fstaff%2F"
    codes_page = client.get(done.url).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == second_factor.RECOVERY_CODE_COUNT
    assert sorted(codes) == sorted(StaticToken.objects.values_list("token", flat=True))
    assert "<code>" not in client.get(reverse("staff-two-factor")).content.decode()
    assert client.get("/staff/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.django_db
def test_a_session_that_owes_its_code_cannot_replace_the_authenticator(client, lead, leads_policy):
    device = authenticator(lead)
    client.force_login(lead)

    response = client.get(reverse("staff-two-factor-enrol"))

    assert response.url.startswith(reverse("staff-two-factor-code"))
    assert list(TOTPDevice.objects.filter(user=lead)) == [device]


@pytest.mark.django_db
def test_an_agent_with_leads_may_set_one_up_by_choice(client, agent, leads_policy):
    client.force_login(agent)

    page = client.get(reverse("staff-two-factor"))
    assert "Set up an authenticator app" in page.content.decode()
    client.get(reverse("staff-two-factor-enrol"))
    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    client.post(reverse("staff-two-factor-enrol"), {"code": code_of(device)})

    assert TOTPDevice.objects.get(user=agent).confirmed
    assert second_factor.recovery_codes_left(agent) == 10
    assert client.get("/staff/").status_code == 200


# Signing in with a code


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_logged_without_the_code(client, lead, leads_policy, caplog):
    device = authenticator(lead)
    password_step(client, lead)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"

    with caplog.at_level(logging.WARNING, logger="staff.two_factor"):
        response = code_step(client, wrong)

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert f"user {lead.pk}" in caplog.text
    assert wrong not in caplog.text
    assert client.get("/staff/").status_code == 302


@pytest.mark.django_db
def test_the_admin_sign_in_goes_on_to_the_code_step(client, admin_user, leads_policy):
    device = authenticator(admin_user)

    response = client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": admin_user.email, "password": PASSWORD, "next": "/admin/"},
    )

    assert response.url == reverse("staff-two-factor-code") + "?next=%2Fadmin%2F"
    assert client.get(reverse("admin:index")).status_code == 302
    assert code_step(client, code_of(device), "/admin/").url == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_works_once(client_factory, lead, leads_policy):
    authenticator(lead)
    codes = second_factor.new_recovery_codes(lead)
    first, second = client_factory(), client_factory()
    password_step(first, lead)
    password_step(second, lead)

    used = code_step(first, codes[0].upper())
    again = code_step(second, codes[0])

    assert used.url == "/staff/"
    dashboard = first.get("/staff/")
    assert dashboard.status_code == 200
    assert "You signed in with a recovery code: 9 are left." in dashboard.content.decode()
    assert again.status_code == 200
    assert "That code is not right" in again.content.decode()
    assert second_factor.recovery_codes_left(lead) == 9


@pytest.mark.django_db
def test_new_recovery_codes_void_the_old_ones(client, lead, leads_policy):
    device = authenticator(lead)
    old = second_factor.new_recovery_codes(lead)
    password_step(client, lead)
    code_step(client, code_of(device))

    client.post(reverse("staff-two-factor"))
    page = client.get(reverse("staff-two-factor")).content.decode()

    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert "10 unused recovery codes left." in client.get(reverse("staff-two-factor")).text
    assert second_factor.check_code(lead, old[1]) is None


@pytest.mark.django_db
def test_a_wrong_code_throttles_the_next_ones(client, lead, leads_policy):
    device = authenticator(lead)
    password_step(client, lead)
    right = code_of(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    code_step(client, wrong)
    response = code_step(client, right)

    assert response.status_code == 429
    assert "Too many wrong codes. Wait" in response.content.decode()
    assert client.get("/staff/").status_code == 302
    # Once the wait is over, the right code works.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttling_failure_timestamp = timezone.now() - timedelta(minutes=1)
    device.save()
    assert code_step(client, right).url == "/staff/"


@pytest.mark.django_db
def test_wrong_recovery_codes_throttle_the_authenticator_too(client, lead, leads_policy):
    device = authenticator(lead)
    second_factor.new_recovery_codes(lead)
    password_step(client, lead)

    code_step(client, "zzzzzzzz")
    response = code_step(client, code_of(device))

    assert response.status_code == 429


@pytest.mark.django_db
def test_one_address_may_try_only_so_many_codes(client, lead, leads_policy, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only the address's limit counts here
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    device = authenticator(lead)
    password_step(client, lead)
    limit = int(two_factor.CODE_RATE.split("/")[0])

    for _ in range(limit):
        assert code_step(client, "123456").status_code in (200, 429)
    response = code_step(client, code_of(device))

    assert response.status_code == 429
    assert "Too many codes were tried from your network" in response.content.decode()
    assert client.get("/staff/").status_code == 302


# The API


@pytest.mark.django_db
def test_api_keys_are_unaffected(client, lead, required_policy):
    authenticator(lead)
    key = api_key(lead)

    response = client.get("/api/v1/me/", headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_api_refuses_a_browser_session_that_owes_its_code(client, lead, leads_policy):
    device = authenticator(lead)
    password_step(client, lead)

    refused = client.get("/api/v1/me/")
    code_step(client, code_of(device))
    answered = client.get("/api/v1/me/")

    assert refused.status_code in (401, 403)
    assert "enter the code from your authenticator app" in refused.json()["detail"]
    assert answered.status_code == 200


@pytest.mark.django_db
def test_customers_are_never_asked(client, customer, required_policy):
    client.force_login(customer)

    assert client.get(reverse("my-requests")).status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


# The setting


def test_a_bad_value_stops_start_up_with_one_line():
    result = _start(DEBUG="true", STAFF_TWO_FACTOR="sometimes")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: STAFF_TWO_FACTOR must be required, leads or off, not 'sometimes'."
    ]


@pytest.mark.django_db
def test_required_for_follows_the_roles(settings, lead, agent, admin_user, customer):
    settings.STAFF_TWO_FACTOR = "leads"
    assert [second_factor.required_for(u) for u in (admin_user, lead, agent, customer)] == [
        True,
        True,
        False,
        False,
    ]
    settings.STAFF_TWO_FACTOR = "required"
    assert [second_factor.required_for(u) for u in (admin_user, lead, agent, customer)] == [
        True,
        True,
        True,
        False,
    ]


@pytest.mark.django_db
def test_a_new_staff_member_made_lead_later_is_asked_to_set_one_up(client, leads_policy):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=roles.LEAD))

    response = password_step(client, user)

    assert response.url.startswith(reverse("staff-two-factor-enrol"))


@pytest.mark.django_db
def test_the_demo_staff_sign_in_with_the_documented_key(client, leads_policy):
    out, code = StringIO(), StringIO()
    call_command("seed_demo", stdout=out)
    call_command("demo_totp", stdout=code)

    assert DEMO_TOTP_SECRET in out.getvalue()
    assert "manage.py demo_totp" in out.getvalue()
    lead = User.objects.get(email="lead@example.com")
    assert b32decode(DEMO_TOTP_SECRET) == TOTPDevice.objects.get(user=lead).bin_key
    client.post(reverse("staff-login"), {"username": lead.email, "password": "demo-pass-2026"})
    assert code_step(client, code.getvalue().strip()).url == "/staff/"
