"""A customer's data as a ZIP of JSON files and their attachments (README "Personal data";
the right of access, UU PDP 27/2022 art. 7 and 32).

The archive is written while it is sent: zipfile writes to a stream that cannot seek (each
entry's sizes follow it in a data descriptor), every list is read from the database with a
server-side cursor, row by row, and files are copied one at a time in 64 KB pieces. Memory stays
flat whether the customer has ten tickets or ten thousand.

Internal notes are included: they are staff's words about the customer, so personal data the
right of access covers. FAQ feedback is not: it is anonymous (a random visitor id, never linked
to a person), so nothing ties it to anyone.
"""

import io
import json
import zipfile
from collections.abc import Iterable, Iterator

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from tickets.models import (
    Attachment,
    Contact,
    CSATResponse,
    InboundEmail,
    Message,
    Notification,
    Ticket,
    TicketEvent,
)

# Rows per round trip of the server-side cursors: enough to make 10,000 tickets a few dozen
# fetches, few enough that a fetch stays a few hundred KB.
CHUNK_SIZE = 1000
# Bytes collected before they are handed to the response (one chunk of the HTTP body).
FLUSH_BYTES = 64 * 1024
FILE_PIECE = 64 * 1024


class _Sink(io.RawIOBase):
    """Where zipfile writes: collects bytes until the generator hands them on. Not seekable, so
    zipfile streams (data descriptors instead of going back to fill in sizes)."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self._chunks.append(data)
        self.size += len(data)
        return len(data)

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        self.size = 0
        return data


def filename(contact: Contact) -> str:
    return f"personal-data-{contact.pk}-{timezone.now():%Y%m%d}.zip"


def stream(contact: Contact) -> Iterator[bytes]:
    """The ZIP, piece by piece."""
    return (piece for piece in _pieces(contact) if piece)


def _pieces(contact: Contact) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        with translation.override(contact.language):
            archive.writestr("README.txt", _readme(contact))
        archive.writestr("customer.json", _dumps(_person(contact), indent=2))
        yield sink.drain()
        for name, rows in _lists(contact):
            with archive.open(name, mode="w", force_zip64=True) as entry:
                entry.write(b"[")
                for number, row in enumerate(rows):
                    entry.write((",\n" if number else "\n").encode() + _dumps(row).encode())
                    if sink.size >= FLUSH_BYTES:
                        yield sink.drain()
                entry.write(b"\n]\n")
            yield sink.drain()
        files = (
            _attachments(contact)
            .select_related("ticket")
            .only("pk", "file", "original_name", "removed_at", "ticket__reference")
        )
        for attachment in files.iterator(chunk_size=CHUNK_SIZE):
            yield from _copy_file(archive, sink, attachment)
    yield sink.drain()


def _dumps(value, **options) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, **options)


def _readme(contact: Contact) -> str:
    return "\n\n".join(
        [
            _("A copy of the personal data we hold about you, made on %(date)s.")
            % {"date": timezone.now().date().isoformat()},
            _(
                "customer.json: your contact details and account. tickets.json: your requests. "
                "messages.json: every message in them, including our staff's internal notes "
                "about your requests. attachments.json and the files/ folder: the files "
                "attached to them. events.json: what happened to each request and when. "
                "ratings.json: your ratings. emails.json: the emails we sent you and the ones "
                "we received from you."
            ),
            _(
                "Feedback on help articles is anonymous (it is not linked to you), so it is not "
                "included."
            ),
        ]
    )


def _person(contact: Contact) -> dict:
    user = contact.user
    return {
        "contact": {
            "id": contact.pk,
            "email": contact.email,
            "name": contact.name,
            "phone": contact.phone.as_e164 if contact.phone else "",
            "language": contact.language,
            "created_at": contact.created_at,
            "erased_at": contact.erased_at,
        },
        "account": None
        if user is None
        else {
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "active": user.is_active,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
    }


def _lists(contact: Contact) -> Iterable[tuple[str, Iterator[dict]]]:
    tickets = Ticket.objects.filter(requester=contact)
    yield (
        "tickets.json",
        tickets.order_by("created_at", "pk")
        .values(
            "reference",
            "subject",
            "status",
            "category_id",
            "queue__name",
            "priority",
            "channel",
            "language",
            "details",
            "transaction_reference",
            "faq_article",
            "reopen_count",
            "created_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "last_activity_at",
        )
        .iterator(chunk_size=CHUNK_SIZE),
    )
    yield (
        "messages.json",
        Message.objects.filter(Q(ticket__requester=contact) | Q(author_contact=contact))
        .order_by("ticket_id", "created_at", "pk")
        .values(
            "id",
            "ticket__reference",
            "kind",
            "author_type",
            "author_user__name",
            "body",
            "source",
            "created_at",
        )
        .iterator(chunk_size=CHUNK_SIZE),
    )
    yield (
        "attachments.json",
        (
            {**row, "file": _archive_path(row) if row.pop("removed_at") is None else None}
            for row in _attachments(contact)
            .values(
                "id",
                "ticket__reference",
                "message_id",
                "original_name",
                "content_type",
                "size",
                "sha256",
                "created_at",
                "removed_at",
                "removed_by",
            )
            .iterator(chunk_size=CHUNK_SIZE)
        ),
    )
    yield (
        "events.json",
        TicketEvent.objects.filter(ticket__requester=contact)
        .order_by("ticket_id", "created_at", "pk")
        .values(
            "ticket__reference",
            "kind",
            "actor_type",
            "field",
            "old_value",
            "new_value",
            "created_at",
        )
        .iterator(chunk_size=CHUNK_SIZE),
    )
    yield (
        "ratings.json",
        CSATResponse.objects.filter(ticket__requester=contact)
        .order_by("created_at", "pk")
        .values("ticket__reference", "score", "comment", "created_at")
        .iterator(chunk_size=CHUNK_SIZE),
    )
    addresses = {contact.email.lower()} | ({contact.user.email.lower()} if contact.user else set())
    yield (
        "emails.json",
        _emails(contact, addresses),
    )


def _emails(contact: Contact, addresses: set[str]) -> Iterator[dict]:
    sent = (
        Notification.objects.filter(
            Q(recipient__lower__in=addresses)
            | Q(ticket__requester=contact, audience=Notification.Audience.CUSTOMER)
        )
        .order_by("created_at", "pk")
        .values("template", "recipient", "status", "ticket__reference", "created_at", "sent_at")
    )
    for row in sent.iterator(chunk_size=CHUNK_SIZE):
        yield {"direction": "sent", **row}
    received = (
        InboundEmail.objects.filter(Q(sender__lower__in=addresses) | Q(ticket__requester=contact))
        .order_by("received_at", "pk")
        .values("sender", "subject", "status", "ticket__reference", "received_at")
    )
    for row in received.iterator(chunk_size=CHUNK_SIZE):
        yield {"direction": "received", **row}


def _attachments(contact: Contact):
    return Attachment.objects.filter(ticket__requester=contact).order_by("ticket_id", "pk")


def _archive_path(row: dict) -> str:
    name = get_valid_filename(row["original_name"]) or "file"
    return f"files/{row['ticket__reference']}/{row['id']}-{name}"


def _copy_file(archive: zipfile.ZipFile, sink: _Sink, attachment: Attachment) -> Iterator[bytes]:
    if attachment.removed_at is not None or not attachment.file.name:
        return
    try:
        handle = default_storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        return  # listed in attachments.json; the file itself is gone
    path = _archive_path(
        {
            "original_name": attachment.original_name,
            "ticket__reference": attachment.ticket.reference,
            "id": attachment.pk,
        }
    )
    with handle, archive.open(path, mode="w", force_zip64=True) as entry:
        while piece := handle.read(FILE_PIECE):
            entry.write(piece)
            if sink.size >= FLUSH_BYTES:
                yield sink.drain()
    yield sink.drain()
