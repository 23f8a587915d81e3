"""Who an internal note mentions: `@name` tells a colleague about a ticket (in the workspace,
and by email unless they muted it). The email (notifications) and the in-app notice (inbox) ask
the same question of the same note, so the answer lives here, once.

A mention is "@" and a handle, at the start of the text or after a character that cannot end
an email address's local part (so "budi@example.com" mentions nobody), running to the first
whitespace or punctuation: "@mei," "@Budi." "(@siti.rahma)" "@李娜，" are mentions of mei, Budi,
siti.rahma and 李娜. A handle names an agent by their email's local part ("siti.rahma" for
siti.rahma@wallet.example) or their one-word short name (the first word of their name: "Budi"
for "Budi Santoso", "李娜" for "李娜"), whatever the case.

Only active staff who may see the ticket are mentioned (Ticket.objects.visible_to, the rule of
every page): anyone else is as if unknown, so a note never tells its author whether a name
exists elsewhere. The author is never mentioned by their own note, and a person named twice is
mentioned once. When a handle is some agent's email local part it means them; otherwise it
means every agent (who sees the ticket) with that short name. Public replies mention nobody:
"@" there is written to the customer.
"""

import re

from django.db.models import Q

from . import roles
from .models import Message, Ticket, TicketEvent, User

# "@" not preceded by a character of an email local part or of a URL path; the handle is word
# characters (Unicode letters and digits included), with inner dots or hyphens
# ("siti.rahma", "ann-marie") but never ending on one ("@mei." is "mei").
MENTION = re.compile(r"(?<![\w@/.+\-])@(\w+(?:[.\-]\w+)*)")

# A note naming more people than this is a list, not a mention: the rest are ignored (and the
# look-up below stays one small query).
MAX_HANDLES = 20


def handles_in(text: str) -> list[str]:
    """The distinct handles written in `text`, case-folded, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text or ""):
        seen.setdefault(match.group(1).casefold(), None)
        if len(seen) >= MAX_HANDLES:
            break
    return list(seen)


def _local_part(user: User) -> str:
    return user.email.rpartition("@")[0].casefold()


def _short_name(user: User) -> str:
    words = (user.name or "").split()
    return words[0].casefold() if words else ""


def mentioned_in(text: str, *, ticket: Ticket, author: User | None) -> list[User]:
    """The agents `text`, written by `author` on `ticket`, mentions (see the module's rules),
    ordered by id."""
    handles = handles_in(text)
    if not handles:
        return []
    named = Q()
    for handle in handles:
        lowered = handle.lower()
        named |= Q(email__lower__startswith=f"{lowered}@")
        named |= Q(name__lower=lowered) | Q(name__lower__startswith=f"{lowered} ")
    candidates = (
        User.objects.filter(named, is_active=True)
        .filter(Q(groups__name__in=roles.STAFF_ROLES) | Q(is_superuser=True))
        .distinct()
        .order_by("pk")
    )
    if author is not None:
        candidates = candidates.exclude(pk=author.pk)
    able = [user for user in candidates if _may_see(user, ticket)]
    chosen: dict[int, User] = {}
    for handle in handles:
        by_address = [user for user in able if _local_part(user) == handle]
        for user in by_address or [user for user in able if _short_name(user) == handle]:
            chosen[user.pk] = user
    return sorted(chosen.values(), key=lambda user: user.pk)


def _may_see(user: User, ticket: Ticket) -> bool:
    return Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists()


def mentioned_by(event: TicketEvent) -> list[User]:
    """The agents an internal-note event's note mentions; nobody for any other event.

    Worked out once per event object: every reaction to the note (the email, the in-app
    notice) asks, in the same transaction.
    """
    cached = getattr(event, "_mentioned", None)
    if cached is not None:
        return cached
    mentioned: list[User] = []
    if event.kind == TicketEvent.Kind.NOTE and event.actor_type == TicketEvent.Actor.AGENT:
        note = (
            Message.objects.filter(pk=event.data.get("message"), kind=Message.Kind.INTERNAL)
            .only("body")
            .first()
        )
        if note is not None:
            author = event.actor_user if event.actor_user_id else None
            mentioned = mentioned_in(note.body, ticket=event.ticket, author=author)
    event._mentioned = mentioned
    return mentioned


# The typeahead lists at most this many colleagues (a desk's agents of one queue and its admins).
MAX_MENTIONABLE = 200


def mentionable(ticket: Ticket) -> list[User]:
    """The active staff who may see `ticket` (whom a note on it can mention), by name: the
    members of its queue with a staff role, and the admins."""
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__name=roles.ADMIN)
            | Q(groups__name__in=roles.STAFF_ROLES, queue_memberships__queue_id=ticket.queue_id)
        )
        .distinct()
        .order_by("name", "pk")[:MAX_MENTIONABLE]
    )
