from datetime import timedelta

import pytest
from django.utils import timezone

from tickets.models import Announcement

pytestmark = pytest.mark.django_db


def test_it_lists_the_topics_with_their_forms_and_contact_us(client):
    html = client.get("/").content.decode()

    for code in (
        "payment_failed",
        "refund",
        "account_access",
        "suspicious_transaction",
        "complaint",
        "how_to",
        "app_problem",
    ):
        assert f'href="/tickets/new/{code}/"' in html
    assert 'href="/tickets/new/"' in html


def test_it_shows_the_current_announcement_in_the_visitors_language(client):
    now = timezone.now()
    Announcement.objects.create(
        message_id="Top up BRI terlambat",
        message_en="BRI top-ups are delayed",
        message_zh_hans="BRI 充值延迟",
        severity="warning",
        starts_at=now - timedelta(hours=1),
    )
    Announcement.objects.create(
        message_id="Selesai",
        message_en="Old maintenance",
        message_zh_hans="旧",
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=1),
    )

    english = client.get("/").content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get("/").content.decode()

    assert "BRI top-ups are delayed" in english
    assert "Old maintenance" not in english
    assert "BRI 充值延迟" in chinese


def test_it_renders_announcements_escaped(client):
    Announcement.objects.create(
        message_id="<script>alert(1)</script>",
        message_en="<script>alert(1)</script>",
        message_zh_hans="x",
    )

    html = client.get("/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
