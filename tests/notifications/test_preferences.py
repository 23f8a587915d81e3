"""/staff/notifications/email/: an agent mutes the emails they do not want."""

import pytest

from tickets.models import NotificationPreference

pytestmark = pytest.mark.django_db

URL = "/staff/notifications/email/"


def test_it_shows_everything_on_at_first(client, agent):
    client.force_login(agent)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("checked") == 6
    assert "Escalations" in html


def test_it_saves_what_an_agent_mutes(client, agent):
    client.force_login(agent)

    response = client.post(URL, {"assigned": "on", "sla_breach": "on"}, follow=True)

    assert response.status_code == 200
    preference = NotificationPreference.objects.get(user=agent)
    assert (preference.assigned, preference.customer_replied) == (True, False)
    assert (preference.sla_warning, preference.sla_breach) == (False, True)
    assert preference.mentioned is False
    assert preference.low_rating is False
    assert "saved" in response.content.decode()


def test_it_is_not_for_customers(client, customer):
    client.force_login(customer)

    assert client.get(URL).status_code == 404


def test_it_asks_strangers_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
