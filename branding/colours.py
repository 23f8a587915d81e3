"""The brand's colour: written as #rrggbb, checked for the contrast of white text on it (WCAG 2),
and the shades the pages derive from it. Plain Python: the settings use it before Django starts."""

import re

# WCAG 2 level AA for normal text: buttons, the hero and links all carry text in this colour
# or white text on it.
MIN_CONTRAST = 4.5

_HEX = re.compile(r"#?([0-9a-f]{6}|[0-9a-f]{3})")


def normalise(value: str) -> str | None:
    """ "#1F5F9E", "1f5f9e" or "#15a" as "#1f5f9e" / "#1155aa"; None if it is not a hex colour."""
    match = _HEX.fullmatch(value.strip().lower())
    if match is None:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return "#" + digits


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def white_text_contrast(colour: str) -> float:
    """The contrast ratio of white text on `colour` (#rrggbb): 1 to 21."""
    return 1.05 / (_luminance(colour) + 0.05)


def contrast(colour: str, other: str) -> float:
    """The WCAG 2 contrast ratio of two colours (#rrggbb): 1 to 21."""
    darker, lighter = sorted((_luminance(colour), _luminance(other)))
    return (lighter + 0.05) / (darker + 0.05)


# The palest background text in the brand's colour is read on (the staff workspace's page).
PALEST_BACKGROUND = "#f4f6f8"


def readable(colour: str) -> str:
    """`colour`, darkened in steps of 5% black until text in it on the palest background reads,
    and so white text on it: itself for any colour the brand settings accept. A colour stored
    before those checks, or by hand, still gives readable buttons and links."""
    shade, share = colour, 0.0
    while contrast(shade, PALEST_BACKGROUND) < MIN_CONTRAST and share < 1:
        share = round(share + 0.05, 2)
        shade = mix(colour, "#000000", share)
    return shade


def mix(colour: str, other: str, share: float) -> str:
    """`colour` with `share` (0 to 1) of `other` mixed in."""
    mixed = (
        round(a + (b - a) * share) for a, b in zip(_channels(colour), _channels(other), strict=True)
    )
    return "#" + "".join(f"{c:02x}" for c in mixed)


def shades(colour: str) -> dict[str, str]:
    """The CSS custom properties static/css/*.css read: the colour, the colour as readable
    (white text on it, or text in it, reads: see readable), a darker one for links, hover and
    pressed states, a pale tint for backgrounds and a light one for borders."""
    strong = readable(colour)
    return {
        "--brand": colour,
        "--brand-strong": strong,
        "--brand-dark": mix(strong, "#000000", 0.2),
        "--brand-light": mix(colour, "#ffffff", 0.9),
        "--brand-line": mix(colour, "#ffffff", 0.65),
    }
