"""Does an inbound email come from whom its From says? (README "Inbound email", "Security")

Anyone can write `From: siti@example.com`. An email is taken as the customer's only when one of
these holds:

1. It answers an email we sent to that address: its In-Reply-To or References names the
   Message-ID of one of our emails to them (a receipt, an agent's reply), random enough to be a
   secret only its recipients know; or it was sent to the ticket's private reply address
   (payments+GP-7K3M9Q.<reply tag>@..., in the Reply-To of our emails).
2. The receiving mail server vouches for it: an Authentication-Results header written by one of
   INBOUND_TRUSTED_AUTHSERV_IDS (our own MX; any other server's header could be forged by the
   sender) says DMARC passed, or DKIM passed for the From domain, or SPF passed for an envelope
   sender of the From domain. A header saying DMARC failed outweighs any other pass.

Otherwise the email is unverified: an agent sees it with a warning and decides; it does not
speak for the customer, reopen their ticket or tell them anything was received from them.
"""

import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr

from django.conf import settings
from django.utils.crypto import constant_time_compare

from tickets.models import Message, Notification, Ticket

from . import parsing
from .rendering import reply_tag


@dataclass(frozen=True)
class Verdict:
    verified: bool
    reason: str


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower().rstrip(".>")


def aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment (DMARC): the same domain, or one a subdomain of the other."""
    if not domain or not from_domain:
        return False
    return (
        domain == from_domain
        or domain.endswith("." + from_domain)
        or from_domain.endswith("." + domain)
    )


_RESULT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*(\w+)([^;]*)", re.I)
_PROPERTY = re.compile(r"\b(header\.d|header\.i|header\.from|smtp\.mailfrom)\s*=\s*([^\s;]+)", re.I)


def _trusted_results(message: EmailMessage) -> list[tuple[str, str, dict[str, str]]]:
    """(method, result, properties) from the Authentication-Results our own servers wrote."""
    trusted = {name.lower() for name in settings.INBOUND_TRUSTED_AUTHSERV_IDS}
    results = []
    for header in message.get_all("Authentication-Results") or []:
        text = " ".join(str(header).split())
        authserv_id = text.split(";", 1)[0].strip().split()[0].lower() if text else ""
        if authserv_id not in trusted:
            continue
        for method, result, rest in _RESULT.findall(text):
            properties = {key.lower(): value for key, value in _PROPERTY.findall(rest)}
            results.append((method.lower(), result.lower(), properties))
    return results


def _answers_our_email(message: EmailMessage, sender: str, ticket: Ticket | None) -> bool:
    ids = parsing.referenced_ids(message)[:20]
    if (
        ids
        and Notification.objects.filter(
            message_id__in=ids, recipient__lower=sender.lower()
        ).exists()
    ):
        return True
    if ticket is None:
        return False
    # An agent's reply went to the ticket's requester and CCs, with its id on the Message.
    agents_emails = Message.objects.filter(
        ticket=ticket, email_message_id__in=ids, author_type=Message.Author.AGENT
    )
    return bool(ids) and agents_emails.exists()


def _sent_to_the_reply_address(recipients: list[str], ticket: Ticket | None) -> bool:
    """payments+GP-7K3M9Q.<reply tag>@...: only the people we emailed know that address."""
    if ticket is None:
        return False
    expected = f"{ticket.reference}.{reply_tag(ticket)}".lower()
    return any(
        parsing.is_our_address(address)
        and constant_time_compare(parsing.plus_tag(address).lower(), expected)
        for address in recipients
    )


def check(
    message: EmailMessage,
    sender: str,
    envelope_sender: str | None,
    *,
    ticket: Ticket | None = None,
    recipients: list[str] = (),
) -> Verdict:
    """Whether `message`, whose From is `sender`, may speak for that address (about `ticket`,
    when it names one; sent to `recipients`)."""
    if _answers_our_email(message, sender, ticket):
        return Verdict(True, "it answers one of our emails to this address")
    if _sent_to_the_reply_address(list(recipients), ticket):
        return Verdict(True, "it was sent to the ticket's private reply address")
    from_domain = _domain(sender)
    results = _trusted_results(message)
    if not results:
        return Verdict(
            False,
            "no sign that it comes from this address: it answers none of our emails to it, "
            "and no trusted mail server vouched for it (INBOUND_TRUSTED_AUTHSERV_IDS)",
        )
    if any(method == "dmarc" and result == "fail" for method, result, _ in results):
        return Verdict(False, "the receiving mail server says DMARC failed for the From domain")
    envelope = parseaddr(envelope_sender or str(message.get("Return-Path", "")))[1]
    for method, result, properties in results:
        if result != "pass":
            continue
        if method == "dmarc" and aligned(properties.get("header.from", from_domain), from_domain):
            return Verdict(True, "DMARC passed")
        if method == "dkim":
            signer = properties.get("header.d") or _domain(properties.get("header.i", ""))
            if aligned(signer, from_domain):
                return Verdict(True, f"DKIM passed for {signer}")
        if method == "spf":
            mailfrom = _domain(properties.get("smtp.mailfrom", "") or envelope)
            if aligned(mailfrom, from_domain) and (
                not envelope or aligned(_domain(envelope), from_domain)
            ):
                return Verdict(True, f"SPF passed for {mailfrom}")
    return Verdict(
        False,
        f"the receiving mail server could not confirm {from_domain} sent it (no aligned "
        "DMARC, DKIM or SPF pass)",
    )
