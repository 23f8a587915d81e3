"""PDF attachments lose their active content (JavaScript, open actions, launch links, embedded
files) before they are stored, and the agent is told what was removed."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from tests import files
from tickets import pdfs
from tickets.attachments import clean_upload


def _action(kind: str, **fields) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject(kind)}
        | {NameObject(f"/{key}"): TextStringObject(value) for key, value in fields.items()}
    )


def statement(*, javascript=False, open_action=False, launch_link=False, embedded=False) -> bytes:
    """A one-page PDF, with the kinds of active content asked for."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    root = writer._root_object
    if javascript:
        script = writer._add_object(_action("/JavaScript", JS="app.alert('pwned');"))
        root[NameObject("/Names")] = DictionaryObject(
            {
                NameObject("/JavaScript"): DictionaryObject(
                    {NameObject("/Names"): ArrayObject([TextStringObject("x"), script])}
                )
            }
        )
    if open_action:
        root[NameObject("/OpenAction")] = _action("/JavaScript", JS="app.launchURL('x');")
    if launch_link:
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/A"): _action("/Launch", F="calc.exe"),
            }
        )
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    if embedded:
        writer.add_attachment("payload.exe", b"MZ")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_plain_pdf_is_kept_byte_for_byte():
    data = statement()

    assert pdfs.clean(data) == pdfs.CleanPdf(data, ())


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"javascript": True}, "JavaScript"),
        ({"open_action": True}, "an action run when it opens"),
        ({"launch_link": True}, "a link that runs something"),
        ({"embedded": True}, "embedded files"),
    ],
)
def test_active_content_is_removed_and_named(kwargs, named):
    cleaned = pdfs.clean(statement(**kwargs))

    assert named in cleaned.removed
    reader = PdfReader(io.BytesIO(cleaned.data))
    root = reader.trailer["/Root"]
    assert "/OpenAction" not in root
    assert "/JavaScript" not in (root.get("/Names") or {})
    assert "/EmbeddedFiles" not in (root.get("/Names") or {})
    assert len(reader.pages) == 1  # the document itself is still there


def test_an_upload_with_javascript_is_stored_cleaned_and_flagged(db):
    upload = SimpleUploadedFile("mutasi.pdf", statement(javascript=True, open_action=True))

    cleaned = clean_upload(upload)

    assert cleaned.removed_content == ("an action run when it opens", "JavaScript")
    assert b"app.alert" not in cleaned.data


def test_a_pdf_that_cannot_be_parsed_is_refused_when_it_shows_active_content():
    from django.core.exceptions import ValidationError

    broken = b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
    with pytest.raises(ValidationError, match=r"broken\.pdf"):
        clean_upload(SimpleUploadedFile("broken.pdf", broken))


def test_a_pdf_that_cannot_be_parsed_but_shows_nothing_active_is_kept():
    # The other tests' minimal PDF has no cross-reference table; readers open such files.
    upload = files.pdf()
    original = upload.read()

    cleaned = clean_upload(upload)

    assert (cleaned.content_type, cleaned.data, cleaned.removed_content) == (
        "application/pdf",
        original,
        (),
    )


def test_the_agent_sees_what_was_removed_next_to_the_file(client, agent, ticket):
    from tickets import services

    cleaned = clean_upload(SimpleUploadedFile("mutasi.pdf", statement(javascript=True)))
    services.add_customer_message(
        ticket=ticket, contact=ticket.requester, body="Mutasi rekening", attachments=[cleaned]
    )
    client.force_login(agent)

    html = client.get(f"/staff/tickets/{ticket.reference}/").content.decode()

    assert "Removed from this PDF: JavaScript" in html
