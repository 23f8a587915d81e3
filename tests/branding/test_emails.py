"""The brand in emails: the sender, the signature, the official channels and the colour, in the
recipient's language; rendered by the worker, which sees an admin's change within seconds."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from branding.brand import BRAND, current_brand
from branding.models import Brand
from notifications import outbox
from notifications.delivery import build_email
from tests.factories import TicketFactory
from tickets import config_cache, services
from tickets.models import Notification
from tickets.services import Actor

from .conftest import NAMES

ROOT = Path(__file__).resolve().parents[2]


def receipt(customer, language: str):
    ticket = TicketFactory(requester=customer.contact, language=language)
    services.record_event(ticket, "created", Actor.customer(customer.contact))
    return ticket.notifications.get(template=Notification.Template.TICKET_CREATED)


@pytest.mark.django_db
def test_with_nothing_configured_emails_come_from_the_plain_default(customer):
    email = build_email(receipt(customer, "en"))

    assert email.from_email == "Helpdesk <help@helpdesk.localhost>"
    assert "Helpdesk Support" in email.body
    assert "#2a5db0" in email.alternatives[0][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "signature", "channels"),
    [
        ("id", "Layanan Pelanggan Kantong Uji", "Kantong Uji hanya menghubungi Anda melalui:"),
        ("en", "Test Pocket Support", "Test Pocket only talks to you through:"),
        ("zh-hans", "测试钱包客服", "测试钱包只通过以下渠道与您联系："),
    ],
)
def test_emails_carry_the_admins_brand_in_the_recipients_language(
    customer, brand, language, signature, channels
):
    email = build_email(receipt(customer, language))
    html = email.alternatives[0][0]

    assert email.from_email == f"{NAMES[language]} <halo@kantong-uji.example>"
    for text in (email.body, html):
        assert signature in text
        assert channels in text
        assert "+62 21 01234567" in text
        assert "kantong-uji.example" in text
    assert "#5b3fa0" in html  # the button


@pytest.mark.django_db
def test_a_sender_name_set_by_the_admin_is_the_same_in_every_language(
    customer, brand, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        brand.sender_name = "Kantong Uji Care"
        brand.save()

    email = build_email(receipt(customer, "zh-hans"))

    assert email.from_email == "Kantong Uji Care <halo@kantong-uji.example>"


@pytest.mark.django_db
def test_account_emails_name_the_brand(customer, brand):
    notification = outbox.notify_account(
        user=customer, template=Notification.Template.VERIFY_EMAIL, language="en"
    )

    email = build_email(notification)

    assert email.subject == "Confirm your email address for Test Pocket"
    assert "finish creating your account at Test Pocket:" in email.body


@pytest.mark.django_db
def test_a_non_ascii_sender_name_is_encoded_in_the_header(customer, brand):
    message = build_email(receipt(customer, "zh-hans")).message()

    assert message["From"].startswith("=?utf-8?")
    assert message["From"].endswith("<halo@kantong-uji.example>")


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(config_cache.time, "monotonic", lambda: now[0])
    return now


@pytest.mark.django_db
def test_the_worker_sees_an_admins_change_within_the_cache_window(customer, brand, clock):
    assert build_email(receipt(customer, "en")).from_email.startswith("Test Pocket ")
    # as the admin's save in the web process: the row, then a new version in the shared cache
    Brand.objects.filter(pk=brand.pk).update(name_en="Pocket Two")
    cache.set(BRAND.key, "saved-elsewhere", timeout=None)

    assert current_brand().name == "Test Pocket"  # within the second: memory
    clock[0] += config_cache.CHECK_SECONDS
    assert build_email(receipt(customer, "en")).from_email.startswith("Pocket Two ")


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_another_processs_save_shows_here_within_seconds(customer):
    """A real second process (as the web process where the admin saves) and this one (as the
    Celery worker rendering emails), sharing only the database and Redis."""
    assert current_brand().name == "Helpdesk"
    db = connection.settings_dict
    save = (
        "from branding.models import Brand; "
        "Brand.objects.update_or_create(pk=1, defaults={'name': 'Kantong Baru'})"
    )

    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", save],
        cwd=ROOT,
        env=os.environ
        | {"DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"},
        check=True,
        timeout=60,
    )
    saved_at = time.monotonic()
    while current_brand().name != "Kantong Baru":
        assert time.monotonic() - saved_at < 3, "not seen within 3 seconds"
        time.sleep(0.05)

    assert build_email(receipt(customer, "id")).from_email.startswith("Kantong Baru ")
