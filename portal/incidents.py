"""What customers see of incidents (issue 19): the banner on the help centre and on the forms
of the affected categories, the public status page, and the "linked to a known problem" note on
a linked ticket's confirmation and page.

The banner is on the hottest pages (the help centre home during an outage), so the incidents it
shows are read from a per-process cache (tickets.config_cache) that an incident's save reloads:
with no incident active a page pays one attribute read. Nothing here shows staff-only data (who
declared or posted, ticket counts, conditions): only the texts written for customers and times.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import Incident, IncidentUpdate
from tickets.config_cache import ConfigCache
from tickets.models import Ticket
from tickets.promise import due_words

# The status page lists incidents resolved this many days ago at most.
RECENT_DAYS = 14
LANGS = ("id", "en", "zh_hans")


def help_centre_zone() -> ZoneInfo:
    """Incidents are not tied to a business calendar: their times are shown in the help
    centre's zone (WIB by default), as tickets.promise shows a promise without a calendar."""
    return ZoneInfo(settings.TIME_ZONE)


def when(value: datetime, *, now: datetime | None = None) -> str:
    """ "today at 09:40 WIB", "tomorrow at 13:00 WIB", "Monday 7 Dec at 10:00 WIB"."""
    return due_words(value, help_centre_zone(), now=now or timezone.now())


@dataclass(frozen=True)
class Banner:
    incident: Incident
    # The affected categories' codes; empty means every form.
    categories: frozenset[str]

    def shown_on(self, category: str | None) -> bool:
        return category is None or not self.categories or category in self.categories


def _load() -> list[Banner]:
    incidents = (
        Incident.objects.active().filter(show_banner=True).prefetch_related("categories")
    ).order_by("-started_at", "-id")
    return [
        Banner(incident, frozenset(category.pk for category in incident.categories.all()))
        for incident in incidents
    ]


BANNERS = ConfigCache("portal-incident-banners", _load).watch(Incident)


@dataclass(frozen=True)
class IncidentNotice:
    """One incident as a customer reads it, in the active language."""

    id: int
    title: str
    message: str
    started_at: datetime
    since: str
    expected_end_at: datetime | None
    expected: str

    @classmethod
    def of(cls, incident: Incident, *, now: datetime) -> "IncidentNotice":
        expected = incident.expected_end_at
        return cls(
            id=incident.pk,
            title=incident.title(),
            message=incident.message(),
            started_at=incident.started_at,
            since=when(incident.started_at, now=now),
            # An expected end already past says nothing true: it is not shown.
            expected_end_at=expected if expected and expected > now else None,
            expected=when(expected, now=now) if expected and expected > now else "",
        )


def banners(category: str | None = None, *, now: datetime | None = None) -> list[IncidentNotice]:
    """The active incidents to show as a banner: on the help centre (category None) all of
    them, on a form those about its category or about every category."""
    now = now or timezone.now()
    return [
        IncidentNotice.of(banner.incident, now=now)
        for banner in BANNERS.get()
        if banner.shown_on(category) and banner.incident.started_at <= now
    ]


# The status page


@dataclass(frozen=True)
class UpdateNotice:
    status: str
    message: str
    posted_at: datetime
    posted: str


@dataclass(frozen=True)
class StatusEntry:
    notice: IncidentNotice
    status: str
    status_label: str
    is_active: bool
    resolved_at: datetime | None
    resolved: str
    updates: list[UpdateNotice]


def status_page(*, now: datetime | None = None) -> tuple[list[StatusEntry], list[StatusEntry]]:
    """(active, resolved in the last RECENT_DAYS), each with its public updates newest first.
    Two queries; the texts in the active language."""
    now = now or timezone.now()
    incidents = (
        Incident.objects.recent(days=RECENT_DAYS)
        # One a lead keeps from customers (no banner) stays off the public page too.
        .filter(started_at__lte=now, show_banner=True)
        .only(
            "id",
            "status",
            "started_at",
            "expected_end_at",
            "resolved_at",
            *(f"{prefix}_{lang}" for prefix in ("title", "message") for lang in LANGS),
        )
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=IncidentUpdate.objects.only(
                    "id",
                    "incident_id",
                    "status",
                    "posted_at",
                    *(f"message_{lang}" for lang in LANGS),
                ).order_by("-posted_at", "-id"),
            )
        )
    )
    labels = dict(Incident.Status.choices)
    active, resolved = [], []
    for incident in incidents:
        entry = StatusEntry(
            notice=IncidentNotice.of(incident, now=now),
            status=incident.status,
            status_label=str(labels.get(incident.status, incident.status)),
            is_active=incident.is_active,
            resolved_at=incident.resolved_at,
            resolved=_resolved_words(incident.resolved_at, now=now),
            updates=[
                UpdateNotice(
                    status=str(labels.get(update.status, update.status)),
                    message=update.message(),
                    posted_at=update.posted_at,
                    posted=when(update.posted_at, now=now),
                )
                for update in incident.updates.all()
                if update.message()
            ],
        )
        (active if incident.is_active else resolved).append(entry)
    return active, resolved


def _resolved_words(value: datetime | None, *, now: datetime) -> str:
    if value is None:
        return ""
    # A past time: "today at ..." or its day, never "tomorrow".
    return due_words(value, help_centre_zone(), now=now)


# A linked ticket


@dataclass(frozen=True)
class TicketIncident:
    title: str
    is_active: bool
    resolved_at: datetime | None
    resolved: str

    @property
    def text(self) -> str:
        if self.is_active:
            return _(
                "This is linked to a known problem: %(title)s. We will update you here and by "
                "email."
            ) % {"title": self.title}
        return _("The known problem linked to this request was fixed %(when)s: %(title)s.") % {
            "title": self.title,
            "when": self.resolved,
        }


def ticket_incident(ticket: Ticket, *, now: datetime | None = None) -> TicketIncident | None:
    """The incident a customer's ticket is linked to, as the ticket's pages tell it."""
    if ticket.incident_id is None:
        return None
    incident = (
        Incident.objects.filter(pk=ticket.incident_id)
        .only(
            "id",
            "status",
            "resolved_at",
            *(f"title_{lang}" for lang in LANGS),
        )
        .first()
    )
    if incident is None:
        return None
    now = now or timezone.now()
    return TicketIncident(
        title=incident.title(),
        is_active=incident.is_active,
        resolved_at=incident.resolved_at,
        resolved=_resolved_words(incident.resolved_at, now=now),
    )


def status(request: HttpRequest) -> HttpResponse:
    """The public status page: active incidents with their updates, then those resolved in
    the last RECENT_DAYS. `?waiting=1` is where "I'll wait for the fix" on a form leads."""
    active, resolved = status_page()
    return render(
        request,
        "portal/status.html",
        {
            "active": active,
            "resolved": resolved,
            "recent_days": RECENT_DAYS,
            "waiting": request.GET.get("waiting") == "1",
        },
    )
