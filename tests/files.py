"""Real files for upload tests, made in memory."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_LATITUDE_TAG = 0x8825


def jpeg_with_gps(name: str = "receipt.jpg", size=(64, 48)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (0, 168, 90))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90 degrees
    exif.get_ifd(GPS_LATITUDE_TAG)[2] = (6.0, 12.0, 30.0)  # GPSLatitude: Jakarta
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png(name: str = "screenshot.png", size=(40, 80)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGBA", size, (255, 255, 255, 255)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf(name: str = "statement.pdf") -> SimpleUploadedFile:
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def executable(name: str = "photo.png") -> SimpleUploadedFile:
    """A Windows program dressed up as a picture."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="image/png")


def html(name: str = "receipt.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"<!DOCTYPE html><html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
