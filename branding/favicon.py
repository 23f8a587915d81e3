"""The site's icon (/favicon.ico, a browser tab's picture): drawn from the brand's colour, a white
speech bubble on a rounded square, so a tab shows whose help centre it is without a file to
upload or a logo (usually a wide word mark) shrunk to 16 pixels."""

import io
from functools import lru_cache

from PIL import Image, ImageDraw

# Drawn large and scaled down by Pillow into each size an ICO file carries.
CANVAS = 256
SIZES = [(16, 16), (32, 32), (48, 48)]
CONTENT_TYPE = "image/x-icon"


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@lru_cache(maxsize=8)
def favicon_ico(colour: str) -> bytes:
    """The icon in `colour` (#rrggbb) as ICO bytes; kept per colour (a brand change draws anew)."""
    image = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, CANVAS - 1, CANVAS - 1), radius=56, fill=_rgb(colour))
    white = (255, 255, 255)
    draw.rounded_rectangle((40, 52, 216, 172), radius=36, fill=white)
    draw.polygon([(76, 164), (76, 214), (128, 164)], fill=white)  # the bubble's tail
    for centre in (84, 128, 172):  # three dots: someone is writing back
        draw.ellipse((centre - 14, 98, centre + 14, 126), fill=_rgb(colour))
    buffer = io.BytesIO()
    image.save(buffer, format="ICO", sizes=SIZES)
    return buffer.getvalue()
