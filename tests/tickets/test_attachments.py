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


def test_a_huge_image_is_refused_from_its_header_before_anything_is_decoded(monkeypatch):
    # 60,000 x 60,000 of one colour: a few hundred KB of PNG, 10 GB once decoded.
    def never(*args, **kwargs):
        raise AssertionError("decoded a picture the header already refused")

    monkeypatch.setattr(attachments, "reencode", never)
    import zlib

    png = files.png("bomb.png", size=(1, 1)).read()
    # The IHDR chunk (bytes 8-33: length, type, 13 bytes of data, CRC) says 60,000 x 60,000.
    ihdr = (60_000).to_bytes(4, "big") * 2 + png[24:29]
    crc = zlib.crc32(b"IHDR" + ihdr).to_bytes(4, "big")
    data = png[:16] + ihdr + crc + png[33:]

    with pytest.raises(ValidationError, match="too large an image"):
        clean_upload(SimpleUploadedFile("bomb.png", data, content_type="image/png"))


def test_a_large_photo_is_scaled_down_in_a_child_process_and_leaves_no_memory_behind():
    import resource

    big = io.BytesIO()
    Image.new("RGB", (6000, 4500), (240, 240, 240)).save(big, format="PNG")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    cleaned = [
        clean_upload(SimpleUploadedFile(f"p{i}.png", big.getvalue(), content_type="image/png"))
        for i in range(3)
    ]

    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert Image.open(io.BytesIO(cleaned[0].data)).size == (3000, 2250)
    # Decoding it here would take 81 MB for the pixels alone, more for their copies.
    assert after - before < 40 * 1024  # ru_maxrss is in KB


def test_an_image_too_slow_to_re_encode_is_refused_with_its_name(monkeypatch):
    monkeypatch.setattr(attachments, "ISOLATE_ABOVE_PIXELS", 0)
    monkeypatch.setattr(attachments, "ISOLATED_SECONDS", 0.001)

    with pytest.raises(ValidationError, match=r"slow\.png.*too heavy") as error:
        clean_upload(files.png("slow.png", size=(2000, 2000)))
    assert error.value.code == "too_heavy"


def test_an_image_needing_more_memory_than_allowed_is_refused(monkeypatch):
    monkeypatch.setattr(attachments, "ISOLATE_ABOVE_PIXELS", 0)
    monkeypatch.setattr(attachments, "ISOLATED_MEMORY", 16 * 1024 * 1024)  # the pixels: 27 MB

    with pytest.raises(ValidationError, match="too heavy") as error:
        clean_upload(files.png("greedy.png", size=(3000, 3000)))
    assert error.value.code == "too_heavy"
