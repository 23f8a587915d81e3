"""Which active incident a new ticket is about, decided in the ticket's own transaction.

New tickets are compared with the active incidents that link new tickets, read from a per-process
cache (tickets.config_cache) that an incident's save reloads: with no incident active this costs
one attribute read per ticket, with a few it is a handful of comparisons in memory. A match links
the ticket, tags it with the incident's tag and writes an `incident` event (which the SLA engine
reads to pause the ticket's timers when its policy says so), before the receipt is written.
"""

import logging
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from tickets.config_cache import ConfigCache
from tickets.events import Actor, record_event
from tickets.models import Tag, Ticket, TicketEvent

from .models import Incident

logger = logging.getLogger(__name__)
# SQLite (make run's default) has no row locks: its writes are serialised anyway.
SHARE_LOCK = {"postgresql": "FOR SHARE"}
SPACES = re.compile(r"[\W_]+", re.UNICODE)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalise(name: str) -> str:
    """A merchant or bank name as compared: case, spaces and punctuation ignored."""
    return SPACES.sub("", str(name).casefold())


def words(name: str) -> list[str]:
    return [word for word in SPACES.split(str(name).casefold()) if word]


def names_merchant(written: str, name: str) -> bool:
    """Whether a customer's merchant text names the incident's merchant `name` (normalised):
    whole words of it, written together or apart ("Tokopedia official", "toko pedia",
    "tokopedia.com"), never a piece of another word ("ovo" is not "Groovo")."""
    if CJK.search(name):
        # Chinese is written without spaces between words: a name inside the text counts.
        return name in normalise(written)
    parts = words(written)
    for start in range(len(parts)):
        joined = ""
        for part in parts[start:]:
            joined += part
            if joined == name:
                return True
            if len(joined) >= len(name) or not name.startswith(joined):
                break
    return False


@dataclass(frozen=True)
class Rule:
    """An active incident's conditions, as compared with tickets."""

    incident_id: int
    tag_id: int | None
    categories: frozenset[str]
    payment_methods: frozenset[str]
    banks: frozenset[str]
    merchants: tuple[str, ...]
    started_at: object

    @property
    def specificity(self) -> int:
        return sum(
            bool(part)
            for part in (self.categories, self.payment_methods, self.banks, self.merchants)
        )

    def matches(self, category: str, details: dict) -> bool:
        if self.categories and category not in self.categories:
            return False
        if self.payment_methods and str(details.get("payment_method", "")) not in (
            self.payment_methods
        ):
            return False
        if self.banks and normalise(details.get("bank", "")) not in self.banks:
            return False
        if self.merchants:
            merchant = str(details.get("merchant", ""))
            if not any(names_merchant(merchant, name) for name in self.merchants):
                return False
        return True


def rule_for(incident: Incident) -> Rule:
    return Rule(
        incident_id=incident.pk,
        tag_id=incident.tag_id,
        categories=frozenset(c.pk for c in incident.categories.all()),
        payment_methods=frozenset(str(m) for m in incident.payment_methods or []),
        banks=frozenset(normalise(b) for b in incident.banks or [] if normalise(b)),
        merchants=tuple(normalise(m) for m in incident.merchants or [] if normalise(m)),
        started_at=incident.started_at,
    )


def _load() -> list[Rule]:
    incidents = (
        Incident.objects.active().filter(match_new_tickets=True).prefetch_related("categories")
    )
    rules = [rule_for(incident) for incident in incidents]
    # The most specific first, then the latest declared: a ticket about BRI virtual accounts
    # goes to "BRI virtual accounts delayed" rather than "all top-ups slow".
    rules = [rule for rule in rules if rule.specificity]
    rules.sort(
        key=lambda rule: (-rule.specificity, -rule.started_at.timestamp(), -rule.incident_id)
    )
    return rules


ACTIVE_RULES = ConfigCache("incident-rules", _load).watch(Incident, Tag)


def match(category: str, details: dict, *, now=None) -> Rule | None:
    now = now or timezone.now()
    for rule in ACTIVE_RULES.get():
        # Declared ahead (planned work at 22:00): nothing is linked before it starts.
        if rule.started_at <= now and rule.matches(category, details or {}):
            return rule
    return None


def link_new_ticket(ticket: Ticket, rule: Rule, *, at) -> None:
    # Only if the incident is still active (the cache may be a second old): a resolved
    # incident's job would never reach a ticket linked after it. FOR SHARE holds the row until
    # this ticket commits, so a resolution (FOR UPDATE) waits for it and its job sees it, while
    # the other tickets of a burst share the row without waiting for each other.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tag_id FROM {Incident._meta.db_table} "
            f"WHERE id = %s AND resolved_at IS NULL {SHARE_LOCK.get(connection.vendor, '')}",
            [rule.incident_id],
        )
        row = cursor.fetchone()
    if row is None:
        return
    tag_id = row[0]
    Ticket.objects.filter(pk=ticket.pk).update(incident_id=rule.incident_id)
    ticket.incident_id = rule.incident_id
    if tag_id:
        ticket.tags.add(tag_id)
    record_event(
        ticket,
        TicketEvent.Kind.INCIDENT,
        Actor.system(),
        field="incident",
        new=rule.incident_id,
        data={"linked": "matched"},
        at=at,
    )


def on_ticket_event(event: TicketEvent) -> None:
    """Subscribed in IncidentsConfig.ready(): links a new ticket that matches."""
    if event.kind != TicketEvent.Kind.CREATED:
        return
    ticket = event.ticket
    if ticket.incident_id is not None:
        return
    rules = ACTIVE_RULES.get()
    if not rules:
        return
    rule = match(ticket.category_id, ticket.details)
    if rule is None:
        return
    # Linking must never cost the customer their ticket: a failure here (a bug, an incident
    # changed under the cache) is rolled back alone and logged; staff can still link by hand.
    try:
        with transaction.atomic():
            link_new_ticket(ticket, rule, at=event.created_at)
    except Exception:
        ticket.incident_id = None
        logger.exception("incident %s: could not link ticket %s", rule.incident_id, ticket)
