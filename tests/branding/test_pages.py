"""The brand on every page: the help centre, the staff workspace and the error pages, from the
settings until an admin sets one, in the visitor's language, at no query per page."""

import re

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from branding.brand import BRAND
from helpdesk import errors

from .conftest import NAMES

pytestmark = pytest.mark.django_db


def header(html: str) -> str:
    return re.search(r'<a class="brand".*?</a>', html, re.S).group()


def test_the_help_centre_shows_the_settings_brand_until_an_admin_sets_one(client):
    html = client.get("/").content.decode()

    assert "Helpdesk" in header(html)
    assert "<title>Help centre · Helpdesk</title>" in html
    assert re.search(r'<link rel="stylesheet" href="/brand\.css\?v=[0-9a-f]{12}">', html)
    assert "official-channels" not in html  # none configured: none claimed


def test_the_environments_brand_shows_when_no_admin_changed_it(client, settings):
    settings.BRAND_NAME = {"id": "Dompet Acme", "en": "Acme Wallet", "zh-hans": "艾克美钱包"}

    html = client.get("/").content.decode()

    assert "Acme Wallet" in header(html)


@pytest.mark.parametrize("language", ["id", "en", "zh-hans"])
def test_an_admins_brand_shows_in_the_visitors_language(client, brand, language):
    html = client.get("/", headers={"Accept-Language": language}).content.decode()

    assert NAMES[language] in header(html)
    assert f" · {NAMES[language]}</title>" in html


@pytest.mark.parametrize(
    ("language", "chat", "title"),
    [
        ("id", "Profil › Bantuan › Chat", "Saluran resmi Kantong Uji"),
        ("en", "Profile › Help › Chat", "Test Pocket's official channels"),
        ("zh-hans", "我的 › 帮助 › 在线客服", "测试钱包官方渠道"),
    ],
)
def test_the_footer_names_the_official_channels(client, brand, language, chat, title):
    html = client.get("/", headers={"Accept-Language": language}).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]

    assert title in footer.replace("&#x27;", "'")
    assert chat in footer
    assert 'href="https://kantong-uji.example/">kantong-uji.example</a>' in footer
    assert 'href="tel:+622101234567">+62 21 01234567</a>' in footer
    assert "mailto:bantuan@kantong-uji.example" in footer
    assert "Instagram @kantonguji.demo, X @kantonguji_demo" in footer


def test_pages_carry_no_inline_style(client, brand):
    html = client.get("/").content.decode()

    assert "style=" not in html
    assert "<style" not in html


def test_the_staff_workspace_shows_the_brand(client, agent, brand):
    client.force_login(agent)

    html = client.get("/staff/").content.decode()

    assert "Test Pocket" in header(html)
    assert re.search(r'href="/brand\.css\?v=[0-9a-f]{12}"', html)


def test_the_staff_sign_in_page_shows_the_brand(client, brand):
    html = client.get("/staff/login/").content.decode()

    assert "Test Pocket" in header(html)


def test_a_page_reads_the_brand_without_a_query(client, brand):
    client.get("/")  # the process reads the brand once

    with CaptureQueriesContext(connection) as captured:
        html = client.get("/").content.decode()

    assert "Test Pocket" in html
    assert not [q["sql"] for q in captured.captured_queries if "branding_brand" in q["sql"]]


def test_the_not_found_page_shows_the_brand(client, brand):
    response = client.get("/no-such-page/", headers={"Accept-Language": "zh-hans"})

    assert response.status_code == 404
    assert "测试钱包" in header(response.content.decode())


def _failed(request, error: Exception):
    try:
        raise error
    except type(error):
        return errors.handler500(request)


@pytest.mark.parametrize(
    ("error", "status"), [(RuntimeError("a bug"), 500), (OperationalError("db down"), 503)]
)
def test_error_pages_show_the_brand_without_reading_the_database(
    client, brand, django_assert_num_queries, error, status
):
    client.get("/")  # the brand this process read last
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = _failed(request, error)

    html = response.content.decode()
    assert response.status_code == status
    assert "Test Pocket" in header(html)
    assert "/brand.css?v=" in html
    assert "official-channels" in html


def test_an_error_page_in_a_process_that_read_no_brand_shows_the_settings_one(
    brand, django_assert_num_queries
):
    BRAND.forget()
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = _failed(request, OperationalError("db down"))

    assert "Helpdesk" in header(response.content.decode())


def test_the_bad_request_page_shows_the_brand(client, brand):
    client.get("/")

    response = client.get("/tickets/%00/")

    assert response.status_code == 400
    assert "Test Pocket" in header(response.content.decode())
