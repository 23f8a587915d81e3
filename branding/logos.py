"""An uploaded logo, judged by its content (its magic numbers, read by filetype; never its name or
the browser's word) and re-encoded by the attachments' image code: pixels only, no metadata, no
SVG (a picture that can carry script), small enough to serve on every page."""

import hashlib
import io
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from tickets.attachments import reencode

MAX_BYTES = 2 * 1024 * 1024
# Header size at most: anything bigger is not a logo, and is refused before it is decoded.
MAX_PIXELS = 4_000_000
# Shown about 32 pixels high; this is sharp on any screen and a few kilobytes.
MAX_SIDE = 512
FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}


@dataclass(frozen=True)
class CleanLogo:
    data: bytes
    content_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _not_an_image() -> ValidationError:
    return ValidationError(
        _("The logo must be a PNG, JPEG or WebP picture; this file is not one."),
        code="wrong_type",
    )


def clean_logo(upload) -> CleanLogo:
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The logo can be at most %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)},
            code="too_big",
        )
    upload.seek(0)
    data = upload.read()
    content_type = (filetype.guess_mime(data[:8192]) or "") if data else ""
    if content_type not in FORMATS:
        raise _not_an_image()
    try:
        with Image.open(io.BytesIO(data)) as image:
            too_big = image.width * image.height > MAX_PIXELS
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _not_an_image() from None
    if too_big:
        raise ValidationError(
            _("The logo is too large a picture: at most 2000 × 2000 pixels."),
            code="too_many_pixels",
        )
    try:
        cleaned = reencode(data, FORMATS[content_type], max_side=MAX_SIDE)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, MemoryError):
        raise ValidationError(
            _("The logo could not be read as a picture. It may be damaged."), code="unreadable"
        ) from None
    return CleanLogo(data=cleaned, content_type=content_type)
