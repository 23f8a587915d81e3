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
