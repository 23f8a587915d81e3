"""Erasing a customer at their request (README "Personal data"; UU PDP 27/2022 art. 8 and 16).

The contact and their account stay as anonymised rows, so their tickets keep a requester and
reports keep their counts; everything that says who the person was, or what they wrote, goes:
names, addresses and phone numbers, subjects, messages, file names and files, the personal
fields of ticket details, CCs, inbound emails' senders and raw sources, emails waiting to be
sent to them, sign-in records, and (through the hooks the surfaces register) API idempotency
replays and webhook payloads. Guest links and the sessions they opened stop working
(tickets.links, tickets.access), as does the account's password.

Open tickets are not left as they were without a decision: the caller chooses to close them
with a note, or to keep them open without the personal data (a dispute or fraud case that must
run its course); without a choice the erasure is refused and says how many are open.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets import services
from tickets.events import ServiceError
from tickets.models import Contact, Notification, Ticket, TicketEvent, User

from . import audit_log
from .anonymise import REMOVED, Removal, anonymise_tickets

ERASED_DOMAIN = "erased.invalid"
REASON_MAX_LENGTH = 500


class OpenTickets(models.TextChoices):
    CLOSE = "close", gettext_lazy("Close them with a note")
    KEEP_OPEN = "keep_open", gettext_lazy("Keep them open without the personal data")


class ChoiceNeeded(ServiceError):
    """The customer has open tickets and the caller did not say what to do with them."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(
            _(
                "This customer has %(count)d open tickets: choose whether to close them with a "
                "note or keep them open without the personal data."
            )
            % {"count": count}
        )


@dataclass(frozen=True)
class Erasure:
    contact_id: int
    erased_at: datetime
    already: bool = False
    tickets: int = 0
    closed: int = 0
    kept_open: int = 0

    @property
    def message(self) -> str:
        if self.already:
            return _("Customer #%(id)s was already erased on %(date)s. Nothing was changed.") % {
                "id": self.contact_id,
                "date": date_format(self.erased_at, "DATE_FORMAT"),
            }
        return _("The personal data of customer #%(id)s was erased from %(count)d tickets.") % {
            "id": self.contact_id,
            "count": self.tickets,
        }


# Surfaces with data of their own about a ticket (the API's idempotency replays and webhook
# payloads) register here in their AppConfig.ready(): the privacy app cannot import them.
# Each hook gets the contact (already locked, not yet anonymised) and their ticket ids, inside
# the erasure's transaction.
ERASURE_HOOKS: list[Callable[[Contact, list[int]], None]] = []


def on_erasure(hook: Callable[[Contact, list[int]], None]) -> Callable[[Contact, list[int]], None]:
    if hook not in ERASURE_HOOKS:
        ERASURE_HOOKS.append(hook)
    return hook


def placeholder_email(contact_id: int) -> str:
    return f"erased-{contact_id}@{ERASED_DOMAIN}"


def email_digest(email: str) -> str:
    """A keyed digest of the address for the audit row: it can confirm that a given address was
    erased (by computing it again), but cannot be reversed or looked up in a list of addresses
    without the SECRET_KEY."""
    return salted_hmac("privacy.erasure", email.strip().lower()).hexdigest()[:32]


def erase_customer(
    *, contact: Contact, by: User, reason: str, open_tickets: str | None = None, request=None
) -> Erasure:
    """Erase `contact` (and their account). A second call is a no-op that says when it was done."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError(_("Give the reason for the erasure."))
    if open_tickets is not None and open_tickets not in OpenTickets.values:
        raise ServiceError(_("Choose what to do with the open tickets."))
    now = timezone.now()
    with transaction.atomic():
        # The lock makes two admins erasing the same customer apply one after the other: the
        # second finds erased_at set and changes nothing.
        contact = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=contact.pk)
        )
        if contact.erased_at is not None:
            return Erasure(contact.pk, contact.erased_at, already=True)
        tickets = Ticket.objects.filter(requester=contact)
        ticket_ids = list(tickets.values_list("pk", flat=True))
        open_ids = list(tickets.open().values_list("pk", flat=True))
        if open_ids and open_tickets is None:
            raise ChoiceNeeded(len(open_ids))
        old = _identifiers(contact)
        for hook in ERASURE_HOOKS:
            hook(contact, ticket_ids)
        anonymise_tickets(ticket_ids, by=Removal.ERASURE, now=now)
        _scrub_events(ticket_ids, old)
        closed = _handle_open_tickets(open_ids, by=by, choice=open_tickets)
        _cancel_emails(contact, ticket_ids, old)
        _forget_sign_ins(old)
        _scrub_admin_history(contact, ticket_ids)
        _anonymise_person(contact, now)
        audit_log.record(
            request,
            audit_log.ERASURE,
            customer_id=contact.pk,
            count=len(ticket_ids),
            actor=by,
            detail=(
                f"email-hmac:{email_digest(old['email'])} open:{open_tickets or '-'} "
                f"reason:{_without(reason, old)}"
            ),
        )
    return Erasure(
        contact.pk,
        now,
        tickets=len(ticket_ids),
        closed=closed,
        kept_open=len(open_ids) - closed,
    )


def _identifiers(contact: Contact) -> dict[str, str]:
    user = contact.user
    return {
        "email": contact.email,
        "user_email": user.email if user else "",
        "name": contact.name or (user.name if user else ""),
        "user_name": user.name if user else "",
        # As stored (E.164) and as a person types it at home ("0812..."), for searching texts.
        "phone": contact.phone.as_e164 if contact.phone else "",
        "national_phone": f"0{contact.phone.national_number}" if contact.phone else "",
    }


def _tokens(old: dict[str, str]) -> list[str]:
    """The strings that identify the person, longest first (so a name inside an address goes
    with the address). Names shorter than 4 letters are left out: "Ed" would match "resolved"."""
    values = {old["email"], old["user_email"], old["phone"], old["national_phone"]}
    values |= {name for name in (old["name"], old["user_name"]) if len(name) >= 4}
    return sorted(filter(None, values), key=len, reverse=True)


def _without(text: str, old: dict[str, str]) -> str:
    for token in _tokens(old):
        text = _replace_casefold(text, token)
    return text


def _replace_casefold(text: str, token: str) -> str:
    lowered, needle = text.lower(), token.lower()
    start = lowered.find(needle)
    while start != -1:
        text = text[:start] + REMOVED + text[start + len(token) :]
        lowered = text.lower()
        start = lowered.find(needle, start + len(REMOVED))
    return text


def _scrub(value, old: dict[str, str]):
    """A JSON value with every identifying string replaced."""
    if isinstance(value, str):
        return _without(value, old)
    if isinstance(value, dict):
        return {key: _scrub(item, old) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, old) for item in value]
    return value


def _scrub_events(ticket_ids: list[int], old: dict[str, str]) -> None:
    """Events are append-only for the services; this is the one rewrite they allow, in bulk."""
    matches = Q()
    for token in _tokens(old):
        matches |= Q(old_value__icontains=token) | Q(new_value__icontains=token)
    if not matches:
        return
    for event in TicketEvent.objects.filter(matches, ticket_id__in=ticket_ids).iterator(1000):
        TicketEvent.objects.filter(pk=event.pk).update(
            old_value=_without(event.old_value, old),
            new_value=_without(event.new_value, old),
            data=_scrub(event.data, old),
        )


def _handle_open_tickets(open_ids: list[int], *, by: User, choice: str | None) -> int:
    """Close the open tickets with a note, or note that they stay open; returns how many closed."""
    closed = 0
    for ticket in Ticket.objects.filter(pk__in=open_ids):
        if choice == OpenTickets.CLOSE:
            note = _("Closed: the customer's personal data was erased at their request.")
        else:
            note = _(
                "The customer's personal data was erased at their request; this ticket stays "
                "open without it. They can no longer be contacted through it."
            )
        services.add_agent_message(ticket=ticket, agent=by, body=note, internal=True)
        if choice == OpenTickets.CLOSE:
            by_agent = services.Actor.agent(by)
            ticket = services.change_status(
                ticket=ticket, status=Ticket.Status.RESOLVED, by=by_agent
            )
            services.change_status(ticket=ticket, status=Ticket.Status.CLOSED, by=by_agent)
            closed += 1
    return closed


# Emails that may still be sent: after the erasure none goes out.
WAITING = (Notification.Status.PENDING, Notification.Status.UNCONFIRMED)


def _cancel_emails(contact: Contact, ticket_ids: list[int], old: dict[str, str]) -> None:
    addresses = {address.lower() for address in (old["email"], old["user_email"]) if address}
    # recipient has no index: one scan of the outbox per erasure (a rare, admin-run action).
    to_them = Notification.objects.filter(
        Q(recipient__lower__in=addresses)
        | Q(ticket_id__in=ticket_ids, audience=Notification.Audience.CUSTOMER)
    )
    to_them.filter(status__in=WAITING).update(
        status=Notification.Status.FAILED,
        last_error="Cancelled: the recipient's personal data was erased.",
    )
    to_them.update(recipient=placeholder_email(contact.pk))
    # The context holds ids and small facts; an agent's email about the ticket may name them.
    about_them = Notification.objects.filter(
        Q(ticket_id__in=ticket_ids) | Q(recipient=placeholder_email(contact.pk))
    )
    for notification in about_them.exclude(context={}).iterator(1000):
        scrubbed = _scrub(notification.context, old)
        for key in ("subject", "name", "requester", "email"):
            if key in scrubbed:
                scrubbed[key] = REMOVED
        if scrubbed != notification.context:
            Notification.objects.filter(pk=notification.pk).update(context=scrubbed)


def _forget_sign_ins(old: dict[str, str]) -> None:
    """django-axes keeps the address typed at each sign-in attempt."""
    for address in filter(None, {old["email"], old["user_email"]}):
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username__lower=address.lower()).delete()


def _scrub_admin_history(contact: Contact, ticket_ids: list[int]) -> None:
    """The Django admin's history names the objects it changed ("Siti <siti@...>")."""
    targets = Q(
        content_type=ContentType.objects.get_for_model(Contact), object_id=str(contact.pk)
    ) | Q(
        content_type=ContentType.objects.get_for_model(Ticket),
        object_id__in=[str(pk) for pk in ticket_ids],
    )
    if contact.user_id:
        targets |= Q(
            content_type=ContentType.objects.get_for_model(User), object_id=str(contact.user_id)
        )
    LogEntry.objects.filter(targets).update(object_repr=REMOVED, change_message="")


def _anonymise_person(contact: Contact, now: datetime) -> None:
    if contact.user_id:
        User.objects.filter(pk=contact.user_id).update(
            email=f"erased-user-{contact.user_id}@{ERASED_DOMAIN}",
            name="",
            is_active=False,
            is_available=False,
            # Unusable: no password opens the account, and every session it had ends (Django
            # checks each session against the password's hash).
            password=make_password(None),
        )
    Contact.objects.filter(pk=contact.pk).update(
        email=placeholder_email(contact.pk), name="", phone="", erased_at=now
    )
