"""The staff workspace is complete in Indonesian and Simplified Chinese (issue 17): every msgid
used by a staff template or the staff app (and the SLA words staff read) has a translation that
is not fuzzy, and a page renders in each language with its own date format."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from babel.messages.pofile import read_po
from django.conf import settings

from tests.factories import ContactFactory
from tickets import services

LOCALE = Path(settings.BASE_DIR) / "locale"
STAFF_SOURCES = ("templates/staff/", "staff/", "sla/deadlines.py", "sla/notes.py")


def _untranslated(language: str) -> list[str]:
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalog = read_po(po)
    missing = []
    for message in catalog:
        if not message.id or not any(
            path.startswith(STAFF_SOURCES) for path, _line in message.locations
        ):
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


@pytest.mark.parametrize("language", ["id", "zh_Hans"])
def test_every_staff_string_is_translated(language):
    assert _untranslated(language) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "date"),
    [
        ("en", "My settings", "2 Dec 2026"),
        ("id", "Pengaturan saya", "2 Des 2026"),
        ("zh-hans", "我的设置", "2026年12月2日"),
    ],
)
def test_a_staff_page_renders_in_each_language_with_its_date_format(
    client, agent, language, heading, date
):
    agent.language = language
    agent.save(update_fields=["language"])
    at = datetime(2026, 12, 2, 10, 19, tzinfo=ZoneInfo("Asia/Jakarta"))
    with time_machine.travel(at, tick=False):
        ticket = services.create_ticket(
            requester=ContactFactory(), category="payment_failed", subject="QRIS", body="Gagal."
        )
        client.force_login(agent)
        html = client.get(f"/staff/tickets/{ticket.reference}/").content.decode()

    assert f'lang="{language}"' in html
    assert heading in html  # the side menu's link
    time_text = {"en": "10:19", "id": "10.19", "zh-hans": "10:19"}[language]
    assert f">{date}, {time_text}</time>" in html or f">{date} {time_text}</time>" in html
    assert "12/02/2026" not in html
    assert "Dec. 2, 2026" not in html


@pytest.mark.django_db
def test_the_language_switcher_offers_chinese_and_switches_to_it(client, agent):
    client.force_login(agent)
    assert '<option value="zh-hans"' in client.get("/staff/").content.decode()

    client.post("/language/", {"language": "zh-hans", "next": "/staff/"})

    html = client.get("/staff/").content.decode()
    assert 'lang="zh-hans"' in html
    assert "仪表盘" in html
    agent.refresh_from_db()
    assert agent.language == "zh-hans"
