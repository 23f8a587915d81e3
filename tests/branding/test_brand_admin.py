"""The Brand page of Django admin: one row; a colour white text cannot be read on, a logo that is
not a picture by its content and a phone number no plan has are refused, with a message."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from branding.brand import current_brand
from branding.models import ONLY_ROW, Brand
from tests.factories import UserFactory
from tickets import roles

from .conftest import picture

pytestmark = pytest.mark.django_db

ADD = "/admin/branding/brand/add/"
CHANGE = f"/admin/branding/brand/{ONLY_ROW}/change/"


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def form(**fields) -> dict:
    return {"name": "Kantong Uji", **fields}


def test_the_brand_page_is_one_row_opened_straight_from_the_list(as_admin, brand):
    assert as_admin.get("/admin/branding/brand/")["Location"] == CHANGE
    assert as_admin.get(CHANGE).status_code == 200
    assert as_admin.get(ADD).status_code == 403
    assert as_admin.post(f"/admin/branding/brand/{ONLY_ROW}/delete/").status_code == 403


def test_without_a_brand_the_list_opens_the_form_that_creates_it(as_admin):
    assert as_admin.get("/admin/branding/brand/")["Location"] == ADD
    page = as_admin.get(ADD).content.decode()
    assert "the BRAND_NAME setting" in page  # a blank field says what it keeps


def test_an_admins_brand_shows_on_the_next_page(
    as_admin, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(
            ADD,
            form(name_en="Test Pocket", primary_colour="#53A", hotline="021 0123 4567"),
        )

    assert response.status_code == 302, response.content.decode()
    brand = Brand.objects.get()
    assert brand.primary_colour == "#5533aa"
    assert str(brand.hotline) == "+62 21 01234567"
    assert "Test Pocket" in client.get("/").content.decode()


@pytest.mark.parametrize("colour", ["green", "#12345", "#ggg000", "#1234-6"])
def test_it_refuses_what_is_not_a_hex_colour(as_admin, colour):
    response = as_admin.post(ADD, form(primary_colour=colour))

    assert response.status_code == 200
    assert "Enter a colour as # and six hexadecimal digits" in response.content.decode()
    assert not Brand.objects.exists()


def test_it_refuses_a_colour_white_text_cannot_be_read_on(as_admin):
    response = as_admin.post(ADD, form(primary_colour="#00a85a"))

    html = response.content.decode()
    assert "This colour is too light: white text on it has a contrast of only 3.1:1" in html
    assert "at least 4.5:1" in html
    assert not Brand.objects.exists()


def test_it_says_so_in_the_admins_language(as_admin, admin_user):
    admin_user.language = "id"
    admin_user.save(update_fields=["language"])

    response = as_admin.post(ADD, form(primary_colour="#00a85a"))

    assert "3.1:1" in response.content.decode()
    assert "terlalu terang" in response.content.decode()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", SVG),
        ("logo.png", SVG),  # named as a picture: judged by what it holds
        ("logo.png", b"<html><script>alert(1)</script></html>"),
        ("logo.png", b"%PDF-1.4 not a logo"),
        ("logo.gif", picture("GIF")),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),  # a PNG's signature, no picture
    ],
)
def test_it_refuses_a_logo_that_is_not_a_picture_by_its_content(as_admin, name, content):
    response = as_admin.post(ADD, form(logo_upload=SimpleUploadedFile(name, content, "image/png")))

    html = response.content.decode()
    assert response.status_code == 200
    assert "The logo must be a PNG, JPEG or WebP picture" in html or "could not be read" in html
    assert not Brand.objects.exists()


def test_it_keeps_only_the_pixels_of_a_logo_and_no_more_than_it_shows(
    as_admin, django_capture_on_commit_callbacks
):
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    photo = picture("JPEG", size=(2000, 1000), exif=exif.tobytes())

    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(ADD, form(logo_upload=SimpleUploadedFile("logo.jpg", photo)))

    assert response.status_code == 302
    brand = Brand.objects.get()
    assert brand.logo_type == "image/jpeg"
    with Image.open(io.BytesIO(bytes(brand.logo))) as logo:
        assert max(logo.size) <= 512
        assert not logo.getexif()
    assert current_brand().logo_url


def test_it_removes_the_logo(as_admin, brand, django_capture_on_commit_callbacks):
    brand.logo, brand.logo_type, brand.logo_sha256 = picture(), "image/png", "0" * 64
    brand.save()

    with django_capture_on_commit_callbacks(execute=True):
        as_admin.post(CHANGE, form(primary_colour="#5b3fa0", remove_logo="on"))

    assert Brand.objects.get().logo_type == ""
    assert current_brand().logo_url == ""


def test_it_refuses_a_hotline_no_numbering_plan_has(as_admin):
    response = as_admin.post(ADD, form(hotline="+62 99 1"))

    assert response.status_code == 200
    assert not Brand.objects.exists()


def test_it_refuses_a_website_that_is_not_a_web_address(as_admin):
    response = as_admin.post(ADD, form(website="javascript:alert(1)"))

    assert response.status_code == 200
    assert not Brand.objects.exists()


def test_an_admin_by_role_changes_the_brand_and_an_agent_does_not(client, agent):
    admin = UserFactory(is_staff=True)
    admin.groups.add(Group.objects.get(name=roles.ADMIN))
    client.force_login(admin)
    assert client.get(ADD).status_code == 200

    agent.is_staff = True
    agent.save(update_fields=["is_staff"])
    client.force_login(agent)
    assert client.get(ADD).status_code == 403
