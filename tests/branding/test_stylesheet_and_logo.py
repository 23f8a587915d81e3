"""The brand's stylesheet and logo: public, CSP-clean (a stylesheet, not a style attribute),
kept a year at their versioned address, read from memory."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import model_to_dict

from branding.admin import BrandForm
from branding.brand import current_brand

from .conftest import picture

pytestmark = pytest.mark.django_db


def test_the_stylesheet_sets_the_brands_colours(client, brand):
    response = client.get(current_brand().stylesheet_url)

    assert response["Content-Type"] == "text/css; charset=utf-8"
    css = response.content.decode()
    assert "--brand: #5b3fa0;" in css
    assert "--brand-dark: #493280;" in css
    assert "--brand-light: #efecf6;" in css


def test_the_stylesheet_is_kept_a_year_at_its_version_and_a_minute_otherwise(client, brand):
    versioned = client.get(current_brand().stylesheet_url)
    stale = client.get("/brand.css?v=000000000000")

    assert versioned["Cache-Control"] == "public, max-age=31536000, immutable"
    assert stale["Cache-Control"] == "public, max-age=60"
    assert stale.content == versioned.content


def test_the_stylesheet_costs_no_query_once_the_brand_is_read(
    client, brand, django_assert_num_queries
):
    url = current_brand().stylesheet_url

    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_a_new_colour_gets_a_new_stylesheet_address(brand, django_capture_on_commit_callbacks):
    before = current_brand().stylesheet_url

    with django_capture_on_commit_callbacks(execute=True):
        brand.primary_colour = "#0f766e"
        brand.save()

    assert current_brand().stylesheet_url != before


@pytest.fixture
def brand_with_logo(brand, django_capture_on_commit_callbacks):
    form = BrandForm(
        data={**model_to_dict(brand, fields=BrandForm._meta.fields), "hotline": str(brand.hotline)},
        files={"logo_upload": SimpleUploadedFile("logo.png", picture(size=(1200, 400)))},
        instance=brand,
    )
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks(execute=True):
        return form.save()


def test_the_logo_is_served_with_caching_headers(client, brand_with_logo):
    url = current_brand().logo_url

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == bytes(brand_with_logo.logo)


def test_pages_show_the_logo_beside_the_name(client, brand_with_logo):
    html = client.get("/").content.decode()

    assert f'<img class="brand-logo" src="{current_brand().logo_url}" alt=""' in html
    assert "Test Pocket" in html


def test_without_a_logo_there_is_none_to_fetch(client, brand):
    assert current_brand().logo_url == ""
    assert client.get("/brand/logo").status_code == 404
