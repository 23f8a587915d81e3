"""/favicon.ico: an icon in the brand's colour (no 404 in every browser's log), kept by browsers,
and named by a <link rel="icon"> on the customer, staff and error pages."""

import io

import pytest
from PIL import Image

from branding.brand import current_brand

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_an_icon_kept_a_day(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response["Cache-Control"] == "public, max-age=86400"
    with Image.open(io.BytesIO(response.content)) as icon:
        assert icon.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48)} <= set(icon.info["sizes"])


def test_the_icon_is_drawn_in_the_brands_colour(client, brand):
    response = client.get(current_brand().favicon_url)

    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    with Image.open(io.BytesIO(response.content)) as icon:
        icon.size = (48, 48)
        corner_inside = icon.convert("RGB").getpixel((24, 4))
    assert corner_inside == (0x5B, 0x3F, 0xA0)


def test_every_kind_of_page_names_the_icon(client, client_factory, agent):
    icon = f'<link rel="icon" href="{current_brand().favicon_url}"'
    staff = client_factory()
    staff.force_login(agent)

    assert icon in client.get("/").content.decode()
    assert icon in client.get("/no-such-page/").content.decode()  # the error pages' frame
    assert icon in staff.get("/staff/").content.decode()
