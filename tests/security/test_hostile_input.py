"""Hostile input answers a 4xx: problem JSON in the API, a page on the web; never a 500."""

import json

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def api():
    return APIClient(headers={"Accept-Language": "en"})


def test_json_nested_a_thousand_levels_deep_is_a_parse_error(api):
    body = '{"category": "payment_failed", "details": ' + "[" * 1000 + "]" * 1000 + "}"

    response = api.post("/api/v1/tickets/", body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "nested" in response.json()["detail"]


def test_json_nested_deeper_than_the_limit_is_refused_too(api):
    details = {}
    for _ in range(40):
        details = {"a": details}

    response = api.post(
        "/api/v1/tickets/",
        json.dumps({"category": "payment_failed", "details": details}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/faq/articles/?category=%00",
        "/api/v1/faq/search/?q=saldo%00",
        "/api/v1/tickets/%00/",
        "/api/v1/tickets/?status=%00",
    ],
)
def test_a_nul_character_in_the_url_is_a_400_problem(api, url):
    response = api.get(url)

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


def test_the_refusal_speaks_the_callers_language(api):
    response = api.get("/api/v1/faq/articles/?category=%00", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert "地址" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/tickets/GP-%00/", "/help/search/?q=%00", "/staff/?view=%00"])
def test_a_nul_character_in_a_page_address_is_a_400_page(client, url):
    response = client.get(url)

    assert response.status_code == 400
    assert "We could not read that" in response.content.decode()


def test_an_oversized_api_body_is_a_413_problem(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"category": "payment_failed", "description": "x" * 20_000})

    response = api.post("/api/v1/tickets/", body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"].endswith("/api/problems/payload-too-large")


def test_an_oversized_form_is_a_413_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000

    response = client.post("/tickets/new/payment_failed/", {"description": "x" * 20_000})

    assert response.status_code == 413
    assert "too large" in response.content.decode()
