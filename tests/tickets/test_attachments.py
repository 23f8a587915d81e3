import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests import files
from tickets import attachments
from tickets.attachments import clean_upload, clean_uploads


def test_it_strips_exif_and_keeps_the_picture_upright():
    cleaned = clean_upload(files.jpeg_with_gps(size=(64, 48)))

    image = Image.open(io.BytesIO(cleaned.data))
    assert not image.getexif()
    assert b"PhoneMaker" not in cleaned.data
    assert image.size == (48, 64)  # the EXIF rotation is applied to the pixels
    assert cleaned.content_type == "image/jpeg"


def test_it_keeps_pngs_and_pdfs_by_their_content():
    assert clean_upload(files.png()).content_type == "image/png"
    pdf = clean_upload(files.pdf())
    assert (pdf.content_type, pdf.name) == ("application/pdf", "statement.pdf")


def test_it_judges_by_content_not_by_name():
    with pytest.raises(ValidationError, match=r"photo\.png"):
        clean_upload(files.executable("photo.png"))
    with pytest.raises(ValidationError, match="not a picture"):
        clean_upload(files.html("receipt.jpg"))


def test_it_names_a_file_that_is_too_big(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_BYTES", 1000)

    with pytest.raises(ValidationError) as error:
        clean_upload(files.png("huge.png", size=(400, 400)))

    assert "huge.png" in error.value.messages[0]
    assert error.value.code == "too_big"


def test_it_refuses_an_image_with_too_many_pixels(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_PIXELS", 100)

    with pytest.raises(ValidationError, match="too large an image"):
        clean_upload(files.png("bomb.png", size=(50, 50)))


def test_it_refuses_a_damaged_image():
    broken = files.png()
    damaged = SimpleUploadedFile("broken.png", broken.read()[:60], content_type="image/png")

    with pytest.raises(ValidationError, match=r"broken\.png"):
        clean_upload(damaged)


def test_it_refuses_more_than_five_files_at_once():
    with pytest.raises(ValidationError, match="at most 5"):
        clean_uploads([files.png(f"s{n}.png") for n in range(6)])


def test_it_reports_every_bad_file_together():
    with pytest.raises(ValidationError) as error:
        clean_uploads([files.png(), files.executable("a.png"), files.html("b.jpg")])

    assert len(error.value.messages) == 2
    assert "a.png" in error.value.messages[0]
    assert "b.jpg" in error.value.messages[1]


def test_it_sanitises_the_file_name():
    cleaned = clean_upload(files.pdf("../../etc/pass wd<script>.pdf"))

    assert "/" not in cleaned.name
    assert "<" not in cleaned.name
