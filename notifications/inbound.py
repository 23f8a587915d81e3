"""Email into tickets (docs/design.md section 7): the ingest_email command and the webhook call
ingest() with one RFC 822 message.

What happens to an email, in order:
1. Unreadable (no headers, no sender, broken MIME, too big): quarantined with the reason. So is
   an email our code fails on: one bad message never blocks the next.
2. Seen before (same Message-ID; none: same bytes): counted, nothing else - stored once.
3. From a machine (auto-reply, bounce, mailing list, our own email coming back): logged and
   ignored - never a ticket, never answered. A bounce of one of our notifications marks it failed.
4. An answer to a ticket - by In-Reply-To / References, then the reference in the address tag
   (payments+GP-7K3M9Q@), then in the subject - from the ticket's requester or one of its CCs:
   added to that ticket (services.add_customer_message: reopens, or starts a follow-up).
5. Anything else - including a stranger's email quoting a reference, which must not reach the
   ticket it names - opens a new ticket (channel email) for its sender, who gets a receipt.
Stored text is what the person wrote, without quoted history and signature; the whole text is
kept as an attachment (original-message.txt), redacted like the body. Attachments pass the same
content checks as uploads.

A database that does not answer raises TemporaryFailure: the mail server (exit code 75) or the
webhook's caller (HTTP 503) tries again later.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from email import policy
from email.errors import (
    MultipartInvariantViolationDefect,
    NoBoundaryInMultipartDefect,
    StartBoundaryNotFoundDefect,
)
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F

from tickets import attachments as attachment_files
from tickets import redaction, services
from tickets.models import (
    Category,
    Contact,
    InboundEmail,
    Message,
    Notification,
    Queue,
    Ticket,
    TicketCC,
)

from . import authenticity, parsing

logger = logging.getLogger(__name__)

Status = InboundEmail.Status
DUPLICATE = "duplicate"
NO_TEXT = "(no text)"
ORIGINAL_NAME = "original-message.txt"
MAX_CCS = 10
# The newest referenced ids are enough to find the thread; a long References header is not
# worth a long IN (...) list.
MAX_REFERENCES = 30
_FATAL_DEFECTS = (
    NoBoundaryInMultipartDefect,
    StartBoundaryNotFoundDefect,
    MultipartInvariantViolationDefect,
)


class TemporaryFailure(Exception):
    """The database is unavailable: deliver this email again later."""


@dataclass(frozen=True)
class Outcome:
    status: str  # an InboundEmail.Status, or "duplicate"
    reason: str = ""
    reference: str = ""
    inbound_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "reason": self.reason,
            "ticket": self.reference,
            "inbound_id": self.inbound_id,
        }


def ingest(
    raw: bytes,
    *,
    source: str,
    envelope_sender: str | None = None,
    envelope_recipient: str | None = None,
) -> Outcome:
    """Turn one RFC 822 message into a ticket, a reply, or a log line; see the module doc."""
    try:
        return _ingest(raw, source, envelope_sender, envelope_recipient)
    except (OperationalError, InterfaceError) as error:
        raise TemporaryFailure(str(error)) from error
    except Exception as error:
        logger.exception("inbound email could not be processed; quarantined")
        try:
            return quarantine(
                raw,
                reason=f"Could not be processed: {type(error).__name__}: {error}",
                source=source,
                recipient=envelope_recipient or "",
            )
        except (OperationalError, InterfaceError) as db_error:
            raise TemporaryFailure(str(db_error)) from db_error


def _ingest(
    raw: bytes, source: str, envelope_sender: str | None, envelope_recipient: str | None
) -> Outcome:
    if not raw.strip():
        return quarantine(raw, reason="Empty message.", source=source, keep_raw=False)
    if len(raw) > settings.INBOUND_EMAIL_MAX_BYTES:
        return quarantine(
            raw,
            reason=(
                f"Too large: {len(raw)} bytes (INBOUND_EMAIL_MAX_BYTES is "
                f"{settings.INBOUND_EMAIL_MAX_BYTES}); the raw message was not kept."
            ),
            source=source,
            keep_raw=False,
        )
    message = BytesParser(policy=policy.default).parsebytes(raw)
    message_id = message_id_of(message, raw)
    problem = malformed(message)
    if problem:
        return quarantine(
            raw, reason=problem, source=source, message_id=message_id, message=message
        )

    sender_name, sender = parseaddr(str(message["From"]))
    sender = Contact.normalize_email(sender)
    subject = " ".join(str(message.get("Subject", "")).split())
    log = InboundEmail(
        email_message_id=message_id,
        source=source,
        status=Status.QUARANTINED,  # replaced below; the row is inserted first to lock the id
        sender=sender[:254],
        recipient=(envelope_recipient or _first_recipient(message))[:254],
        subject=redaction.redact(subject).text[:255],
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    # Reading the text and checking the files (images are decoded and re-encoded) needs no
    # database: done before the transaction, which then stays short.
    body = parsing.read_body(message)
    written = parsing.strip_reply(body.text, subject=subject)
    files, refused = _clean_attachments(body.attachments)
    if written != body.text.strip():
        files.append(_original(message, body.text))
    with transaction.atomic():
        # The insert takes the unique Message-ID: a second delivery of the same email, even a
        # concurrent one, waits here and then counts as a duplicate instead of a second ticket.
        try:
            with transaction.atomic():
                log.save()
        except IntegrityError:
            return _duplicate(message_id)
        machine = parsing.machine_sender(message, envelope_sender)
        if not machine and Message.objects.filter(email_message_id=message_id).exists():
            machine = "already stored (a message with this Message-ID exists)"
        if machine:
            log.status = Status.IGNORED
            log.reason = machine
            if machine == parsing.BOUNCE:
                log.reason += _record_bounce(raw)
            log.save(update_fields=["status", "reason"])
            logger.info("inbound email %s ignored: %s", log.pk, machine)
            return Outcome(Status.IGNORED, log.reason, inbound_id=log.pk)

        recipients = _recipients(message, envelope_recipient)
        ticket, found_by, for_agents = find_ticket(message, recipients, subject)
        if for_agents:
            log.status = Status.QUARANTINED
            log.reason = (
                f"A reply to a staff notification about {ticket.reference}; agents answer in the "
                "staff workspace, so it was not added to the ticket."
            )
            log.raw.save("raw", ContentFile(raw), save=False)
            log.save(update_fields=["status", "reason", "raw"])
            return Outcome(Status.QUARANTINED, log.reason, ticket.reference, log.pk)
        notes = []
        if ticket is not None and sender not in participants(ticket):
            notes.append(
                f"{found_by} names {ticket.reference}, but {sender} is not its requester or a "
                "CC: opened a new ticket instead."
            )
            ticket = None

        if refused:
            notes.append("Attachments refused: " + "; ".join(refused))

        verdict = authenticity.check(
            message, sender, envelope_sender, ticket=ticket, recipients=recipients
        )
        if ticket is not None and not verdict.verified:
            # It names siti's ticket and says it is siti: nothing proves it. The agents see it,
            # with a warning; it does not speak for her.
            contact = services.get_or_create_contact(email=sender, name=sender_name)
            added = services.keep_unverified_email(
                ticket=ticket,
                contact=contact,
                body=written or NO_TEXT,
                reason=verdict.reason,
                attachments=files,
                email_message_id=message_id,
            )
            landed = ticket
            log.status = Status.UNVERIFIED
            notes.insert(0, f"Found by {found_by}; sender not verified: {verdict.reason}.")
        elif ticket is not None:
            contact = services.get_or_create_contact(email=sender, name=sender_name)
            added = services.add_customer_message(
                ticket=ticket,
                contact=contact,
                body=written or NO_TEXT,
                attachments=files,
                source=Message.Source.EMAIL,
                email_message_id=message_id,
            )
            landed = added.ticket
            log.status = Status.THREADED
            notes.insert(0, f"Threaded by {found_by}.")
            if landed.pk != ticket.pk and landed.follow_up_of_id == ticket.pk:
                log.status = Status.CREATED
                notes.insert(
                    1, f"{ticket.reference} is closed: opened follow-up {landed.reference}."
                )
        else:
            landed = _open_ticket(
                message, sender, sender_name, subject, written, files, recipients, message_id
            )
            added = landed.messages.order_by("pk").first()
            log.status = Status.CREATED
            if not verdict.verified:
                # A new request: its receipt goes to the real owner of the address, who will
                # know whether they wrote it; agents see the warning on its first message.
                Message.objects.filter(pk=added.pk).update(sender_verified=False)
                notes.append(f"Sender not verified: {verdict.reason}.")
            if refused:
                _tell_about_refused_files(landed, [name for name, _ in _refused_names(refused)])
        _record_ccs(landed, message, sender)
        log.ticket, log.message = landed, added
        log.reason = " ".join(notes)
        log.save(update_fields=["status", "reason", "ticket", "message"])
    logger.info("inbound email %s %s %s", log.pk, log.status, landed.reference)
    return Outcome(log.status, log.reason, landed.reference, log.pk)


def message_id_of(message: EmailMessage, raw: bytes) -> str:
    found = parsing.MESSAGE_ID.findall(str(message.get("Message-ID", "")))
    if found and len(found[0]) <= 255:
        return found[0]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def malformed(message: EmailMessage) -> str:
    """Why this cannot be read as an email, or ""."""
    if not any(message.get(name) for name in ("From", "To", "Subject", "Date", "Message-ID")):
        return "Not an email message: no headers."
    sender = parseaddr(str(message.get("From", "")))[1]
    if "@" not in sender:
        return "No sender address (From)."
    defects = [
        type(defect).__name__
        for part in message.walk()
        for defect in part.defects
        if isinstance(defect, _FATAL_DEFECTS)
    ]
    if defects:
        return "Broken MIME structure: " + ", ".join(sorted(set(defects))) + "."
    return ""


def quarantine(
    raw: bytes,
    *,
    reason: str,
    source: str,
    message_id: str | None = None,
    message: EmailMessage | None = None,
    recipient: str = "",
    keep_raw: bool = True,
) -> Outcome:
    message_id = message_id or "sha256:" + hashlib.sha256(raw).hexdigest()
    reason = redaction.redact(reason).text
    with transaction.atomic():
        existing = InboundEmail.objects.filter(email_message_id=message_id)
        if existing.exists():
            existing.update(deliveries=F("deliveries") + 1)
            return Outcome(DUPLICATE, "Seen before.", inbound_id=existing.first().pk)
        sender = subject = ""
        if message is not None:
            sender = parseaddr(str(message.get("From", "")))[1][:254]
            subject = redaction.redact(" ".join(str(message.get("Subject", "")).split())).text
        log = InboundEmail(
            email_message_id=message_id,
            source=source,
            status=Status.QUARANTINED,
            reason=reason,
            sender=sender,
            recipient=recipient[:254],
            subject=subject[:255],
            size=len(raw),
            sha256=hashlib.sha256(raw).hexdigest(),
        )
        if keep_raw and raw:
            log.raw.save("raw", ContentFile(raw), save=False)
        log.save()
    logger.warning("inbound email %s quarantined: %s", log.pk, reason)
    return Outcome(Status.QUARANTINED, reason, inbound_id=log.pk)


def reprocess(log: InboundEmail) -> Outcome:
    """Process a quarantined email again (after the cause was fixed): the admin's action."""
    if log.status != Status.QUARANTINED or not log.raw:
        return Outcome(log.status, "Nothing to process: no raw message kept.", inbound_id=log.pk)
    with log.raw.open("rb") as handle:
        raw = handle.read()
    stored, storage = log.raw.name, log.raw.storage
    # One transaction: if the database fails half-way, the quarantined row is still there.
    with transaction.atomic():
        log.delete()
        outcome = ingest(raw, source=InboundEmail.Source.ADMIN)
    # Quarantined again, the new row keeps its own copy.
    storage.delete(stored)
    return outcome


def _duplicate(message_id: str) -> Outcome:
    existing = InboundEmail.objects.filter(email_message_id=message_id)
    existing.update(deliveries=F("deliveries") + 1)
    first = existing.select_related("ticket").first()
    return Outcome(
        DUPLICATE,
        "Seen before.",
        first.ticket.reference if first and first.ticket else "",
        first.pk if first else None,
    )


def _first_recipient(message: EmailMessage) -> str:
    found = parsing.addresses(message, "To", "Cc")
    return found[0][1] if found else ""


def _recipients(message: EmailMessage, envelope_recipient: str | None) -> list[str]:
    """Where the email was sent, the most reliable first: the mail server's envelope, then
    what the delivering servers wrote, then what the sender wrote."""
    found = [envelope_recipient.lower()] if envelope_recipient else []
    found += [
        address
        for _, address in parsing.addresses(message, "Delivered-To", "X-Original-To", "To", "Cc")
    ]
    return list(dict.fromkeys(found))


def participants(ticket: Ticket) -> set[str]:
    return {ticket.requester.email.lower()} | {
        email.lower() for email in ticket.ccs.values_list("email", flat=True)
    }


def find_ticket(
    message: EmailMessage, recipients: list[str], subject: str
) -> tuple[Ticket | None, str, bool]:
    """The ticket this email answers, how it was found, and whether it answers an email we sent
    to an agent (not a customer conversation)."""
    ids = parsing.referenced_ids(message)[:MAX_REFERENCES]
    if ids:
        by_message = dict(
            Message.objects.filter(email_message_id__in=ids).values_list(
                "email_message_id", "ticket_id"
            )
        )
        by_notification = {
            n.message_id: n
            for n in Notification.objects.filter(message_id__in=ids).only(
                "message_id", "ticket_id", "audience"
            )
        }
        ours = re.compile(
            rf"^<({re.escape(settings.TICKET_REFERENCE_PREFIX)}-[A-Z0-9]{{6}})\.[0-9a-f]+@"
            rf"{re.escape(settings.EMAIL_MESSAGE_ID_DOMAIN)}>$",
            re.I,
        )
        for message_id in ids:
            how = (
                "In-Reply-To" if message_id in str(message.get("In-Reply-To", "")) else "References"
            )
            if message_id in by_message:
                return Ticket.objects.get(pk=by_message[message_id]), how, False
            notification = by_notification.get(message_id)
            # A reply to an account email (no ticket) is a new conversation.
            if notification is not None and notification.ticket_id is not None:
                return notification.ticket, how, notification.is_for_agent
            match = ours.match(message_id)
            if match:
                ticket = Ticket.objects.filter(reference=match.group(1).upper()).first()
                if ticket is not None:
                    return ticket, how, False
    for address in recipients:
        reference = parsing.reference_in(parsing.plus_tag(address))
        if reference and parsing.is_our_address(address):
            ticket = Ticket.objects.filter(reference=reference).first()
            if ticket is not None:
                return ticket, "the reference in the address", False
    reference = parsing.reference_in(subject)
    if reference:
        ticket = Ticket.objects.filter(reference=reference).first()
        if ticket is not None:
            return ticket, "the reference in the subject", False
    return None, "", False


def _category_for(recipients: list[str]) -> Category:
    """The first topic routed to the queue the email was sent to (create_ticket routes by topic),
    else INBOUND_DEFAULT_CATEGORY."""
    queues = {q.email.lower(): q for q in Queue.objects.exclude(email="").filter(is_active=True)}
    for address in recipients:
        queue = queues.get(parsing.bare_address(address))
        if queue is not None:
            category = (
                queue.categories.filter(is_active=True).order_by("position", "code").first()
                or queue.categories.order_by("position", "code").first()
            )
            if category is not None:
                return category
    category = Category.objects.filter(code=settings.INBOUND_DEFAULT_CATEGORY).first()
    if category is None:
        logger.error(
            "INBOUND_DEFAULT_CATEGORY %r is not a topic; using the first one",
            settings.INBOUND_DEFAULT_CATEGORY,
        )
        category = Category.objects.order_by("position", "code").first()
    return category


def _open_ticket(
    message: EmailMessage,
    sender: str,
    sender_name: str,
    subject: str,
    written: str,
    files: list,
    recipients: list[str],
    message_id: str,
) -> Ticket:
    known = Contact.objects.filter(email__lower=sender.lower()).first()
    language = (
        parsing.guess_language(written or subject, str(message.get("Content-Language", "")))
        or (known.language if known else None)
        or settings.LANGUAGE_CODE
    )
    contact = known or services.get_or_create_contact(
        email=sender, name=sender_name, language=language
    )
    if not subject:
        first_line = next((line for line in written.splitlines() if line.strip()), "")
        subject = first_line[:80] or NO_TEXT
    return services.create_ticket(
        requester=contact,
        category=_category_for(recipients),
        subject=subject[:200],
        body=written or NO_TEXT,
        attachments=files,
        channel=Ticket.Channel.EMAIL,
        language=language,
        email_message_id=message_id,
    )


def _clean_attachments(parts: list[parsing.Part]) -> tuple[list, list[str]]:
    """The files that pass the upload rules (tickets.attachments), and why the others did not."""
    kept, refused = [], []
    for part in parts:
        upload = SimpleUploadedFile(part.filename, part.data, content_type=part.content_type)
        if len(kept) >= attachment_files.MAX_FILES:
            refused.append(f"{upload.name}: more than {attachment_files.MAX_FILES} files")
            continue
        try:
            kept.append(attachment_files.clean_upload(upload))
        except ValidationError as error:
            refused.append(f"{upload.name}: {' '.join(error.messages)}")
    return kept, refused


def _refused_names(refused: list[str]) -> list[tuple[str, str]]:
    return [tuple(item.split(": ", 1)) for item in refused]


def _tell_about_refused_files(ticket: Ticket, names: list[str]) -> None:
    """The receipt (written in this transaction, not sent yet) lists the files we refused."""
    receipt = ticket.notifications.filter(
        template=Notification.Template.TICKET_CREATED, status=Notification.Status.PENDING
    ).first()
    if receipt is not None:
        receipt.context = {**receipt.context, "refused_files": names}
        receipt.save(update_fields=["context"])


def _original(message: EmailMessage, text: str) -> attachment_files.CleanFile:
    """The whole email as text, quoted history and signature included, redacted."""
    header = "\n".join(
        f"{name}: {' '.join(str(message.get(name, '')).split())}"
        for name in ("From", "To", "Cc", "Date", "Subject")
        if message.get(name)
    )
    content = redaction.redact(f"{header}\n\n{text.strip()}\n").text
    return attachment_files.CleanFile(
        name=ORIGINAL_NAME, content_type="text/plain", data=content.encode("utf-8")
    )


def _record_ccs(ticket: Ticket, message: EmailMessage, sender: str) -> None:
    """Who the customer copied may answer in the thread too (not strangers, not us)."""
    known = participants(ticket) | {sender}
    existing = ticket.ccs.count()
    for _name, address in parsing.addresses(message, "To", "Cc"):
        if existing >= MAX_CCS:
            break
        if address in known or parsing.is_our_address(address):
            continue
        TicketCC.objects.get_or_create(ticket=ticket, email=address)
        known.add(address)
        existing += 1


_DSN_STATUS = re.compile(r"^Status:\s*([245]\.\d{1,3}\.\d{1,3})", re.I | re.M)
_DSN_DIAGNOSTIC = re.compile(r"^Diagnostic-Code:\s*(?:smtp;\s*)?(.+)$", re.I | re.M)


def _record_bounce(raw: bytes) -> str:
    """A permanent bounce of one of our notifications marks it failed; returns a note."""
    text = raw.decode("utf-8", "replace")
    status = _DSN_STATUS.search(text)
    ids = re.findall(rf"<[^<>\s]+@{re.escape(settings.EMAIL_MESSAGE_ID_DOMAIN)}>", text, flags=re.I)
    if not ids:
        return ""
    notification = Notification.objects.filter(message_id__in=ids).first()
    if notification is None:
        return ""
    if status is None or not status.group(1).startswith("5"):
        return f" for notification {notification.pk} (delayed, not failed)"
    diagnostic = _DSN_DIAGNOSTIC.search(text)
    reason = f"Bounced: {diagnostic.group(1).strip() if diagnostic else status.group(1)}"[:1000]
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENT).update(
        status=Notification.Status.FAILED, last_error=reason
    )
    return f" for notification {notification.pk}: marked failed"
