"""PDF attachments without active content: no JavaScript, no action run when the file opens or a
page shows, no program launched, no embedded file, no form that submits somewhere.

A customer's bank statement or receipt needs none of it; a hostile PDF uses it to run code in an
agent's PDF reader. What is found is removed (the file is written again without it) and named,
so the agent sees a warning next to the file. The rest of the document is kept as it was.
"""

import io
import logging
import re
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject, NameObject

logger = logging.getLogger("tickets.pdfs")

# Actions that do something beyond moving inside the document.
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute"}


class UnreadablePdf(Exception):
    pass


@dataclass(frozen=True)
class CleanPdf:
    data: bytes
    removed: tuple[str, ...]  # what was taken out, in words: "JavaScript", "an open action"...


def _pop(dictionary: DictionaryObject, key: str) -> bool:
    if key in dictionary:
        del dictionary[NameObject(key)]
        return True
    return False


def _active_action(action) -> bool:
    action = action.get_object() if action is not None else None
    return isinstance(action, DictionaryObject) and action.get("/S") in ACTIVE_ACTIONS


# How active content is written in a PDF's own syntax (outside compressed streams).
_ACTIVE_MARKERS = re.compile(rb"/(?:JavaScript|JS|OpenAction|AA|Launch|EmbeddedFiles?|XFA)\b")


def clean(data: bytes) -> CleanPdf:
    """The PDF without its active content, and what was removed (nothing: the same bytes).

    A file pypdf cannot parse (PDF readers forgive a lot) is kept as it is when none of the
    markers of active content appears in it, and refused when one does: it cannot be cleaned."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        writer = PdfWriter(clone_from=reader)
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as error:
        if _ACTIVE_MARKERS.search(data):
            raise UnreadablePdf(str(error)) from None
        return CleanPdf(data, ())
    removed: list[str] = []
    root = writer._root_object
    if _pop(root, "/OpenAction"):
        removed.append("an action run when it opens")
    if _pop(root, "/AA"):
        removed.append("document actions")
    names = root.get("/Names")
    names = names.get_object() if names is not None else None
    if isinstance(names, DictionaryObject):
        if _pop(names, "/JavaScript"):
            removed.append("JavaScript")
        if _pop(names, "/EmbeddedFiles"):
            removed.append("embedded files")
    form = root.get("/AcroForm")
    form = form.get_object() if form is not None else None
    if isinstance(form, DictionaryObject) and _pop(form, "/XFA"):
        removed.append("an XFA form")
    for page in writer.pages:
        if _pop(page, "/AA"):
            removed.append("page actions")
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if not isinstance(annotation, DictionaryObject):
                continue
            if _active_action(annotation.get("/A")) and _pop(annotation, "/A"):
                removed.append("a link that runs something")
            if _pop(annotation, "/AA"):
                removed.append("field actions")
    if not removed:
        return CleanPdf(data, ())
    out = io.BytesIO()
    writer.write(out)
    kinds = tuple(dict.fromkeys(removed))
    logger.info("removed active content from a PDF: %s", ", ".join(kinds))
    return CleanPdf(out.getvalue(), kinds)
