"""Signed links that open a ticket without a password (docs/design.md section 1, step 4).

A guest whose wallet account is locked can sign in nowhere, so the link is their key: signed
with SECRET_KEY, naming one ticket and its requester, valid for LINK_MAX_AGE. Opening it grants
that browser session access to that ticket (and to the ticket it was merged into) until the link
would have expired. A fresh link can be asked for at any time and is sent by email only.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Ticket

SALT = "tickets.access-link"
LINK_MAX_AGE = timedelta(days=30)
SESSION_KEY = "ticket_grants"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


@dataclass(frozen=True)
class Grant:
    ticket_id: int
    contact_id: int
    expires_at: float  # epoch seconds


def _requester_check(ticket_id: int, contact_id: int) -> str:
    """Binds a link to the ticket's requester without writing either id into it."""
    return salted_hmac(SALT, f"{ticket_id}:{contact_id}").hexdigest()[:16]


def make_token(ticket) -> str:
    """The ticket's public reference, a check of its requester, a timestamp and a signature:
    nothing in it is an internal id (a link is shown in emails, and pasted into chats)."""
    check = _requester_check(ticket.pk, ticket.requester_id)
    return signing.TimestampSigner(salt=SALT).sign(f"{ticket.reference}.{check}")


def read_token(token: str) -> Grant:
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign(token, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkInvalid from error
    # The signature is valid, so the timestamp inside it is ours.
    issued = signing.b62_decode(token.rsplit(signer.sep, 2)[-2])
    expires_at = issued + LINK_MAX_AGE.total_seconds()
    reference, _, check = value.rpartition(".")
    if not reference:
        return _read_legacy(signer, token, expires_at)
    # A link of an erased requester opens nothing (privacy.erasure voids them all at once).
    ticket = (
        Ticket.objects.filter(reference=reference, requester__erased_at__isnull=True)
        .values_list("pk", "requester_id")
        .first()
    )
    if ticket is None or not constant_time_compare(check, _requester_check(*ticket)):
        raise LinkInvalid
    return Grant(ticket[0], ticket[1], expires_at)


def _read_legacy(signer: signing.TimestampSigner, token: str, expires_at: float) -> Grant:
    """Links sent before 2026-12 carried {"t": ticket id, "c": contact id}; they keep working
    until they expire (LINK_MAX_AGE after they were sent). Remove after 2027-01-31."""
    try:
        payload = signer.unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkInvalid from error
    if not isinstance(payload, dict) or not {"t", "c"} <= payload.keys():
        raise LinkInvalid
    return Grant(int(payload["t"]), int(payload["c"]), expires_at)


def link_path(ticket) -> str:
    return reverse("ticket-link", args=[make_token(ticket)])


def link_url(ticket) -> str:
    """The absolute link for emails."""
    return settings.SITE_URL + link_path(ticket)


def grant_for(ticket) -> Grant:
    """What a fresh link to `ticket` grants (read_token(make_token(ticket)) without reading the
    ticket back)."""
    return Grant(ticket.pk, ticket.requester_id, time.time() + LINK_MAX_AGE.total_seconds())


def grant_session(session, grant: Grant) -> None:
    grants = dict(session.get(SESSION_KEY, {}))
    grants[str(grant.ticket_id)] = [grant.contact_id, grant.expires_at]
    session[SESSION_KEY] = grants


def session_grants(session) -> dict[int, int]:
    """ticket id -> contact id for the unexpired grants of this browser session."""
    now = time.time()
    return {
        int(ticket_id): contact_id
        for ticket_id, (contact_id, expires_at) in session.get(SESSION_KEY, {}).items()
        if expires_at > now
    }
