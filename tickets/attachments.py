"""Checking and storing files customers and agents attach (docs/design.md section 10).

A file is judged by its content (its magic numbers, read by filetype in pure Python: no system
library to install), never its name or the browser's content type. Images are decoded and
re-encoded, which drops EXIF (GPS position, phone model) and anything hidden after
the image data; PDFs lose JavaScript, actions, launch links and embedded files (tickets/pdfs.py).
Every error names the file.
"""

import hashlib
import io
import math
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field

import filetype
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from . import isolation, pdfs
from .models import Attachment
from .redaction import redact

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
# A screenshot is a few megapixels, a phone photo 12 to 50: an image with more pixels than this
# is refused from its header, before anything is decoded (a 100 KB PNG can claim 60,000 x
# 60,000 of one colour).
MAX_PIXELS = 50_000_000
# Larger images are scaled down to at most this many pixels on their longer side: plenty for a
# receipt or a screenshot, and a quarter of the work of re-encoding a 6000 x 6000 picture.
MAX_SIDE = 3000
# Images of more pixels than this are re-encoded in a child process, which is killed after
# ISOLATED_SECONDS and may allocate at most ISOLATED_MEMORY bytes; its memory goes back to the
# system when it exits, so a burst of large photos leaves a web worker as it was.
ISOLATE_ABOVE_PIXELS = 4_000_000
ISOLATED_SECONDS = 15
ISOLATED_MEMORY = 2 * 1024**3

IMAGE_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/gif": "PNG",  # re-encoded as a still PNG: no animation, no hidden frames
}
ALLOWED_TYPES = {*IMAGE_FORMATS, "application/pdf"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes
    # Secrets removed from the file's name ("kartu_4111_1111_1111_1111.png"), by kind.
    found: Counter = field(default_factory=Counter, compare=False)
    # Active content removed from a PDF (tickets/pdfs.py), in words.
    removed_content: tuple[str, ...] = ()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def safe_name(raw: str) -> tuple[str, Counter]:
    """A file name fit to store and show: no directories, no secrets (a phone names a screenshot
    after what the customer typed), only letters, digits, dashes, underscores and dots."""
    base = raw.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem, dot, extension = base.rpartition(".")
    if not stem:
        stem, dot, extension = base, "", ""
    # Read "_" and "+" as the spaces they stand for, so "OTP_123456" is a code after its keyword.
    result = redact(re.sub(r"[_+]", " ", stem))
    if result:
        stem = result.text
    try:
        # "kartu •••• •••• •••• 1111" becomes "kartu_1111", not "kartu____1111".
        name = re.sub(r"_{2,}", "_", get_valid_filename(f"{stem}{dot}{extension}"))
    except SuspiciousFileOperation:  # nothing usable left, e.g. ".." or only symbols
        name = ""
    return name[:200] or "file", result.found


def clean_upload(upload) -> CleanFile:
    """Check one uploaded file and return its safe bytes, or raise ValidationError naming it."""
    name, found = safe_name(upload.name or "")
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; each file can be at most %(limit)s.")
            % {"name": name, "size": _megabytes(upload.size), "limit": _megabytes(MAX_BYTES)},
            code="too_big",
        )
    upload.seek(0)
    data = upload.read()
    if not data:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    sniffed = filetype.guess_mime(data[:8192])  # by the bytes: magic numbers, in pure Python
    if sniffed not in ALLOWED_TYPES:
        raise ValidationError(
            _("“%(name)s” is not a picture or a PDF. Attach JPEG, PNG, WebP, GIF or PDF files.")
            % {"name": name},
            code="wrong_type",
        )
    if sniffed == "application/pdf":
        try:
            pdf = pdfs.clean(data)
        except pdfs.UnreadablePdf:
            raise ValidationError(
                _("“%(name)s” could not be read as a PDF. It may be damaged.") % {"name": name},
                code="unreadable",
            ) from None
        return CleanFile(
            name=name,
            content_type=sniffed,
            data=pdf.data,
            found=found,
            removed_content=pdf.removed,
        )
    return _clean_image(name, sniffed, data, found)


class TooManyPixels(Exception):
    pass


def reencode(data: bytes, target: str, max_side: int = MAX_SIDE) -> bytes:
    """The image's pixels only, upright, at most `max_side` on its longer side, as `target`."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise TooManyPixels
            # A JPEG decodes straight at a fraction of its size (DCT scaling): much less work.
            image.draft(image.mode, (max_side, max_side))
            image.load()
            # Apply the EXIF rotation to the pixels, since the EXIF itself is dropped.
            upright = ImageOps.exif_transpose(image)
            if max(upright.size) > max_side:
                if upright.mode not in ("L", "LA", "RGB", "RGBA"):
                    # Palette and 1-bit images (a logo's PNG, often) cannot be reduced as such.
                    upright = upright.convert("RGBA")
                # Whole-number box reduction: ten times faster than resampling, as sharp.
                upright = upright.reduce(math.ceil(max(upright.size) / max_side))
            if target == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            elif target == "PNG" and upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                upright = upright.convert("RGBA")
            out = io.BytesIO()
            # No exif/icc/text parameters: the new file carries pixels only.
            upright.save(out, format=target, **({"quality": 90} if target != "PNG" else {}))
            return out.getvalue()


def _pixels(data: bytes) -> int:
    """Width x height from the header alone (nothing decoded); 0 if it cannot be read."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.width * image.height
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return MAX_PIXELS + 1
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return 0


def _clean_image(name: str, sniffed: str, data: bytes, found: Counter) -> CleanFile:
    target = IMAGE_FORMATS[sniffed]
    pixels = _pixels(data)
    try:
        if pixels > MAX_PIXELS:
            raise TooManyPixels
        if pixels > ISOLATE_ABOVE_PIXELS:
            cleaned = isolation.run(
                reencode, data, target, seconds=ISOLATED_SECONDS, memory=ISOLATED_MEMORY
            )
        else:
            cleaned = reencode(data, target)
    except (TooManyPixels, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” is too large an image. Send a screenshot or a smaller photo.")
            % {"name": name},
            code="too_many_pixels",
        ) from None
    except isolation.Stopped:
        raise ValidationError(
            _("“%(name)s” is too heavy an image to process. Send a screenshot or a smaller photo.")
            % {"name": name},
            code="too_heavy",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, MemoryError):
        raise ValidationError(
            _("“%(name)s” could not be read as an image. It may be damaged.") % {"name": name},
            code="unreadable",
        ) from None
    stem = name.rsplit(".", 1)[0] if "." in name else name
    content_type = "image/png" if target == "PNG" else sniffed
    return CleanFile(
        name=stem + EXTENSIONS[target], content_type=content_type, data=cleaned, found=found
    )


def clean_uploads(uploads) -> list[CleanFile]:
    """Check a message's files together: the count, then each file. All errors at once."""
    uploads = [upload for upload in uploads if upload]
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            _("You attached %(count)d files; at most %(limit)d can be sent with one message.")
            % {"count": len(uploads), "limit": MAX_FILES},
            code="too_many",
        )
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(clean_upload(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def store(file: CleanFile, *, ticket, message):
    """Save a cleaned file as an Attachment of a message (under a random name)."""
    return Attachment.objects.create(
        ticket=ticket,
        message=message,
        file=ContentFile(file.data, name="upload"),
        original_name=file.name,
        content_type=file.content_type,
        size=len(file.data),
        sha256=file.sha256,
        removed_content=", ".join(file.removed_content)[:255],
    )


def attachment_response(attachment) -> FileResponse:
    """Always a download, never rendered by the browser: no sniffing, no scripts, no framing."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is no longer available.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
