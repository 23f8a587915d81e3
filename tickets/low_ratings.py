"""A low rating is followed up (issue 18): a customer who rates the help at or below
LOW_RATING_FOLLOW_UP_AT (2 by default) reaches a person, not only the CSAT report.

rate_ticket (tickets/services.py) writes, in the rating's transaction, an internal system note
with the score and comment on the ticket (the staff ticket page shows it) and marks its CSAT
event with the note; the event's reactions tell the people who follow it up: in the app
(inbox/reactions.py) and by email, unless they muted it (notifications/reactions.py). The
rating is unique per resolution, so all of this happens once per rating.

The note is stored as facts (`Message.data`) and put into words for each reader, like the SLA
engine's notes (sla/notes.py); `Message.body` keeps the site-language text for search.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from . import roles
from .models import CSATResponse, Message, Ticket, User

NOTE = "low_rating"

logger = logging.getLogger(__name__)


def follows_up(score: int) -> bool:
    """Whether a rating of `score` is passed to a team lead (the setting's 0 means never)."""
    return int(score) <= settings.LOW_RATING_FOLLOW_UP_AT


def followed_up(rating: CSATResponse) -> bool:
    """Whether this rating was passed on: the customer's page says so for as long as it shows
    the rating, whatever the setting says today."""
    return Message.objects.filter(
        ticket_id=rating.ticket_id, data__note=NOTE, data__rating=rating.pk
    ).exists()


def recipients(event_data: dict) -> list[User]:
    """Whom a followed-up rating's event tells: the people chosen when it was written."""
    ids = event_data.get("recipients") or []
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def who_follows_up(ticket: Ticket) -> list[User]:
    """The active leads of the ticket's queue; the admins when the queue has none, so a
    low rating always reaches someone who can act on it."""
    leads = User.objects.filter(
        is_active=True,
        queue_memberships__queue_id=ticket.queue_id,
        queue_memberships__is_lead=True,
    )
    found = list(leads.distinct().order_by("pk"))
    if found:
        return found
    admins = User.objects.filter(Q(groups__name=roles.ADMIN) | Q(is_superuser=True), is_active=True)
    return list(admins.distinct().order_by("pk"))


def follow_up(ticket: Ticket, rating: CSATResponse, at: datetime) -> dict:
    """The facts the rating's event carries for its reactions: the note and whom to tell; none
    for a rating above the threshold, or when nobody could be told (then the customer is not
    promised a call either)."""
    if not follows_up(rating.score):
        return {}
    who = who_follows_up(ticket)
    if not who:
        logger.warning("A low rating on %s has no active lead or admin to go to.", ticket.reference)
        return {}
    note = write_note(ticket, rating, at)
    return {"follow_up": note.pk, "recipients": [user.pk for user in who]}


def write_note(ticket: Ticket, rating: CSATResponse, at: datetime) -> Message:
    """The internal note with the score and the (already redacted) comment, for the staff."""
    facts = {"note": NOTE, "rating": rating.pk, "score": rating.score}
    with translation.override(settings.LANGUAGE_CODE):
        body = _text(facts, rating.comment)
    return Message.objects.create(
        ticket=ticket,
        kind=Message.Kind.INTERNAL,
        author_type=Message.Author.SYSTEM,
        source=Message.Source.SYSTEM,
        body=body,
        data=facts,
        created_at=at,
    )


def is_note(message: Message) -> bool:
    data = message.data
    return message.author_type == Message.Author.SYSTEM and bool(data) and data.get("note") == NOTE


def note_text(message: Message) -> str:
    """The note in the reader's language. The comment is read from the rating, so erasing the
    customer's data (which clears both) leaves nothing of it here."""
    rating = CSATResponse.objects.filter(pk=message.data.get("rating")).only("comment").first()
    if rating is None:
        return message.body
    return _text(message.data, rating.comment)


def _text(facts: dict, comment: str) -> str:
    head = _(
        "The customer rated our help %(score)s out of 5. Please follow up: the customer was "
        "told that a team lead will contact them."
    ) % {"score": facts["score"]}
    if not comment:
        return head + "\n\n" + _("They left no comment.")
    return head + "\n\n" + _("Their comment:") + "\n" + comment
