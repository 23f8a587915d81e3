"""Whatever colour the brand holds, text on it and in it reads (WCAG 2 AA, 4.5:1)."""

import pytest

from branding import colours


@pytest.mark.parametrize(
    "colour", ["#2a5db0", "#5b3fa0", "#00aed6", "#12b76a", "#ffcc00", "#ffffff", "#000000"]
)
def test_the_strong_shade_carries_white_text_and_reads_on_the_page(colour):
    shades = colours.shades(colour)

    strong = shades["--brand-strong"]
    assert colours.white_text_contrast(strong) >= colours.MIN_CONTRAST
    assert colours.contrast(strong, colours.PALEST_BACKGROUND) >= colours.MIN_CONTRAST
    assert colours.contrast(shades["--brand-dark"], shades["--brand-light"]) >= colours.MIN_CONTRAST
    assert shades["--brand"] == colour


def test_an_accepted_colour_is_used_as_it_is():
    assert colours.readable("#2a5db0") == "#2a5db0"
    assert colours.shades("#2a5db0")["--brand-dark"] == "#224a8d"


def test_a_light_colour_is_darkened_no_more_than_needed():
    strong = colours.readable("#12b76a")

    assert strong == "#0d804a"
    assert colours.contrast(colours.mix("#12b76a", "#000000", 0.25), "#f4f6f8") < 4.5


# What an admin may hold: yellow, a lime, light greens (one at 3.11:1 with white, as the
# primary buttons were measured), a teal, a sky blue, an orange, reds, and the default.
BRAND_COLOURS = [
    "#ffcc00",
    "#a3e635",
    "#12b76a",
    "#00a85a",
    "#00aed6",
    "#108ee9",
    "#ee4d2d",
    "#e53935",
    "#ff0000",
    "#2a5db0",
]
# The backgrounds links (--brand-dark) sit on in static/css/base.css and faq.css: cards, the
# page, the system messages, the callouts and flashes (info, warning, danger, success).
CUSTOMER_BACKGROUNDS = [
    "#ffffff",
    "#f6f8f9",
    "#f0f3f5",
    "#eaf2ff",
    "#fff4e0",
    "#fdecea",
    "#e7f6ee",
]


@pytest.mark.parametrize("colour", BRAND_COLOURS)
def test_white_text_on_the_strong_shade_reads_whatever_colour_the_admin_chose(colour):
    assert colours.white_text_contrast(colours.shades(colour)["--brand-strong"]) >= 4.5


@pytest.mark.parametrize("colour", BRAND_COLOURS)
def test_links_read_on_every_background_of_the_customer_pages(colour):
    shades = colours.shades(colour)

    backgrounds = [*CUSTOMER_BACKGROUNDS, shades["--brand-light"]]
    assert min(colours.contrast(shades["--brand-dark"], bg) for bg in backgrounds) >= 4.5


def test_the_measured_light_green_is_darkened_from_3_11_to_above_4_5():
    assert round(colours.white_text_contrast("#00a85a"), 2) == 3.11
    assert colours.readable("#00a85a") == "#007e44"
    assert round(colours.white_text_contrast("#007e44"), 2) == 5.16
