"""The staff queue: filters, sort, search and keyset pagination over a million tickets.

Every sort is backed by an index (see Ticket.Meta.indexes) and pages are cut by keyset ("rows
after this one"), never OFFSET, so page 500 costs what page 1 costs. The number of queries does
not depend on the page size.
"""

import operator
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce

from django import forms
from django.core import signing
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sla import deadlines
from sla.calendars import Clocks
from tickets import assignment, roles
from tickets.models import Category, Message, Queue, Ticket, User, queue_ids_visible_to
from tickets.models.tickets import sla_timers_prefetch

PAGE_SIZES = (25, 50, 100)
CURSOR_SALT = "staff.queue-cursor"
# Full-text search on PostgreSQL: the page is first looked for among the next SEARCH_WINDOW
# tickets in the page's order, checked row by row (a common word fills a page within a few
# hundred rows); when that does not fill it, the word is rare there and its tickets are looked
# up through the GIN index of tickets_ticket.words, whose entries are per queue (migration 0011):
# only the entries of the searched queues are read, however common the word is elsewhere.
SEARCH_WINDOW = 500

# sort name -> (label, the ordering as (field, descending) pairs; the last one is unique).
# "due" is the default (docs/design.md section 6): the next SLA deadline, tickets without one last.
SORTS = {
    "due": (
        _("Next deadline first"),
        (("sla_due_at", False), ("created_at", False), ("id", False)),
    ),
    "priority": (
        _("Most urgent first"),
        (("priority", True), ("created_at", False), ("id", False)),
    ),
    "oldest": (_("Oldest first"), (("created_at", False), ("id", False))),
    "newest": (_("Newest first"), (("created_at", True), ("id", True))),
    "updated": (_("Recently updated"), (("last_activity_at", True), ("id", True))),
}
VIEWS = {
    "open": _("Open"),
    "mine": _("Mine"),
    "unassigned": _("Unassigned"),
    "breaching": _("Breaching soon"),
    "escalated": _("Escalated"),
    "all": _("All statuses"),
}
# "Breaching soon": open tickets whose next deadline passed or passes within this.
BREACHING_SOON = timedelta(hours=1)
# Columns that may be NULL in an ordering; NULLs sort last (PostgreSQL's default for ASC).
NULLABLE = {"sla_due_at"}
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
HAN_SPLIT = re.compile(f"({HAN.pattern})")
# A searchable word: letters and digits, with single dots or hyphens inside (Rp129.000, e-wallet).
WORD = re.compile(r"[^\W_]+(?:[.\-][^\W_]+)*")


class QueueFilterForm(forms.Form):
    queue = forms.ModelChoiceField(
        queryset=Queue.objects.none(),
        to_field_name="slug",
        required=False,
        label=_("Queue"),
        empty_label=_("All my queues"),
    )
    view = forms.ChoiceField(choices=list(VIEWS.items()), required=False, label=_("View"))
    status = forms.MultipleChoiceField(
        choices=Ticket.Status.choices, required=False, label=_("Status")
    )
    priority = forms.TypedMultipleChoiceField(
        choices=Ticket.Priority.choices, coerce=int, required=False, label=_("Priority")
    )
    category = forms.MultipleChoiceField(
        choices=Category.Code.choices, required=False, label=_("Category")
    )
    assignee = forms.CharField(required=False, label=_("Assignee"), max_length=20)
    tag = forms.SlugField(required=False, label=_("Tag"), allow_unicode=True)
    # The tickets linked to one incident (its page links here, by status).
    incident = forms.IntegerField(required=False, min_value=1, label=_("Incident"))
    q = forms.CharField(required=False, label=_("Search"), max_length=200)
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        required=False,
        label=_("Sort"),
    )
    per_page = forms.TypedChoiceField(
        choices=[(n, n) for n in PAGE_SIZES], coerce=int, required=False, label=_("Rows")
    )
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["queue"].queryset = _queues_of(user)

    def clean_assignee(self) -> str:
        value = self.cleaned_data["assignee"]
        if value in ("", "me") or value.isdecimal():
            return value
        if value in assignment.NOBODY:
            return "nobody"
        raise forms.ValidationError(_("Choose me, nobody, or an agent."))

    def clean_after(self) -> tuple | None:
        value = self.cleaned_data["after"]
        if not value:
            return None
        try:
            return tuple(signing.loads(value, salt=CURSOR_SALT))
        except signing.BadSignature:
            raise forms.ValidationError(
                _("That page link is damaged; showing the first page.")
            ) from None


def _queues_of(user: User) -> QuerySet:

    if roles.is_admin(user):
        return Queue.objects.filter(is_active=True)
    return Queue.objects.filter(memberships__user=user, is_active=True)


def _searched_queues(user: User, queue: Queue | None) -> list[int]:
    """The queues whose words a search reads: the chosen one, else all the user's."""
    if queue is not None:
        return [queue.pk]
    return queue_ids_visible_to(user)


def search(tickets: QuerySet, text: str) -> QuerySet:
    """Tickets whose requester email is `text`, or whose reference or transaction reference is
    `text`, or (elsewhere than PostgreSQL) whose subject or a message contains it (LIKE).

    On PostgreSQL a text with searchable words goes to page_of()'s two passes instead
    (_words_query, SEARCH_WINDOW); this takes the rest."""
    text = text.strip()
    if "@" in text:
        return tickets.filter(requester__email__lower=text.lower())
    exact = text.upper()
    found = Q(reference=exact) | Q(transaction_reference=exact)
    if connection.vendor != "postgresql":
        found |= Q(subject__icontains=text) | Exists(
            Message.objects.filter(ticket=OuterRef("pk"), body__icontains=text)
        )
    return tickets.filter(found)


def _words_query(text: str, queue_ids: list[int]) -> tuple[str, str] | None:
    """(reference, tsquery) for a word search on PostgreSQL, else None (an email, nothing
    searchable, or another database)."""
    text = text.strip()
    if connection.vendor != "postgresql" or "@" in text:
        return None
    query = tsquery(text, queue_ids)
    return (text.upper(), query) if query else None


def _matches(exact: str, query: str) -> Q:
    """The ticket's reference or transaction reference is `exact` (a word may look like a
    reference: e-wallet), or its subject or one of its messages matches the tsquery
    (tickets_ticket.words: migration 0011)."""
    in_words = RawSQL("tickets_ticket.words @@ %s::tsquery", [query], output_field=BooleanField())
    return Q(reference=exact) | Q(transaction_reference=exact) | Q(in_words)


def tsquery(text: str, queue_ids: list[int]) -> str:
    """A tsquery over the words of these queues (lexemes are "<queue id>/<word>", see migration
    0011): every word as a prefix, a run of Chinese characters as a phrase, all of them in one
    ticket; the same for each queue, any queue matching. "" when nothing is searchable.

    Words are cut the way PostgreSQL's parser cuts them for the index (dots and hyphens inside a
    word keep it whole: Rp129.000, e-wallet), so no further normalisation is needed."""
    terms = []
    for word in WORD.findall(text.lower())[:8]:
        for part in HAN_SPLIT.split(word):
            part = part.strip(".-")
            if not part:
                continue
            terms.append(list(part) if HAN.fullmatch(part) else part)
    if not terms or not queue_ids:
        return ""

    def lexeme(queue: int, word: str) -> str:
        return f"'{queue}/{word}'"  # WORD admits no quote or backslash

    def term(queue: int, value) -> str:
        if isinstance(value, list):
            return "(" + " <-> ".join(lexeme(queue, char) for char in value) + ")"
        return lexeme(queue, value) + ":*"

    return " | ".join(
        "(" + " & ".join(term(queue, value) for value in terms) + ")" for queue in queue_ids
    )


@dataclass
class QueuePage:
    rows: list
    next_cursor: str | None
    per_page: int
    sort: str


def page_of(user: User, data: dict) -> tuple[QueueFilterForm, QueuePage | None]:
    """Validate the filters and return one page of rows (or the form with its errors)."""
    if data.get("q") and not data.get("sort"):
        data = data.copy()  # a search lists the newest matches first unless a sort is chosen
        data["sort"] = "newest"
    form = QueueFilterForm(data, user=user)
    if not form.is_valid():
        return form, None
    filters = form.cleaned_data
    tickets = Ticket.objects.visible_to(user)
    if filters["queue"]:
        tickets = tickets.filter(queue=filters["queue"])
    view = filters["view"] or "open"
    if view != "all" and not filters["status"]:
        tickets = tickets.filter(status__in=Ticket.OPEN_STATUSES)
    if view == "mine":
        tickets = tickets.filter(assignee=user)
    elif view == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    elif view == "escalated":
        tickets = tickets.filter(escalated_at__isnull=False)
    elif view == "breaching":
        tickets = tickets.filter(sla_due_at__lte=timezone.now() + BREACHING_SOON)
    if filters["status"]:
        tickets = tickets.filter(status__in=filters["status"])
    if filters["priority"]:
        tickets = tickets.filter(priority__in=filters["priority"])
    if filters["category"]:
        tickets = tickets.filter(category__in=filters["category"])
    assignee = filters["assignee"]
    if assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif assignee in assignment.NOBODY:
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee:
        tickets = tickets.filter(assignee_id=int(assignee))
    if filters["tag"]:
        tickets = tickets.filter(tags__name=filters["tag"])
    if filters["incident"]:
        tickets = tickets.filter(incident_id=filters["incident"])
    sort = filters["sort"] or "due"
    order = SORTS[sort][1]
    if filters["after"]:
        tickets = tickets.filter(_after(order, filters["after"]))
    per_page = filters["per_page"] or PAGE_SIZES[0]
    ordering = [_order_by(name, desc) for name, desc in order]

    def fetch(found: QuerySet) -> list:
        return list(
            found.order_by(*ordering).select_related("requester", "assignee", "category", "queue")[
                : per_page + 1
            ]
        )

    if not filters["q"]:
        rows = fetch(tickets)
    elif (words := _words_query(filters["q"], _searched_queues(user, filters["queue"]))) is None:
        rows = fetch(search(tickets, filters["q"]))
    else:
        # Ids first, rows after: the searches plan and run faster without the joins.
        def matching_ids(found: QuerySet) -> list[int]:
            return list(found.order_by(*ordering).values_list("pk", flat=True)[: per_page + 1])

        window = tickets.order_by(*ordering).values("pk")[:SEARCH_WINDOW]
        ids = matching_ids(tickets.filter(pk__in=window).filter(_matches(*words)))
        if len(ids) <= per_page:  # rare in this order: look the word up through the index
            ids = matching_ids(tickets.filter(_matches(*words)))
        rows = fetch(Ticket.objects.filter(pk__in=ids)) if ids else []
    prefetch_related_objects(rows, "tags", sla_timers_prefetch())
    now = timezone.now()
    clocks = Clocks()  # each calendar's windows and holidays read once for the page
    priorities, statuses = dict(Ticket.Priority.choices), dict(Ticket.Status.choices)
    for row in rows:
        row.priority_label, row.status_label = priorities[row.priority], statuses[row.status]
        row.deadlines = deadlines.running_deadlines(row, now=now, clocks=clocks)
        row.sla_colour = deadlines.worst_colour(row.deadlines)
        row.next_deadline = deadlines.describe(row.deadlines[0]) if row.deadlines else ""
        # The narrow column shows what is left; the metric and due date are in its title too.
        row.next_deadline_short = (
            deadlines.describe(row.deadlines[0], with_label=False) if row.deadlines else ""
        )
        row.next_due_at = row.deadlines[0].due_at if row.deadlines else None
    next_cursor = None
    if len(rows) > per_page:
        rows = rows[:per_page]
        last = rows[-1]
        next_cursor = signing.dumps(
            [_plain(getattr(last, name)) for name, _desc in order], salt=CURSOR_SALT
        )
    return form, QueuePage(rows=rows, next_cursor=next_cursor, per_page=per_page, sort=sort)


def _order_by(name: str, desc: bool):
    if name in NULLABLE:
        field = F(name)
        return field.desc(nulls_last=True) if desc else field.asc(nulls_last=True)
    return f"-{name}" if desc else name


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _after(order, cursor: tuple) -> Q:
    """Rows strictly after the cursor row in this ordering: (a, b, c) > (x, y, z) spelled out."""
    if len(cursor) != len(order):
        return Q()
    values = [
        datetime.fromisoformat(value) if name.endswith("_at") and value is not None else value
        for (name, _desc), value in zip(order, cursor, strict=True)
    ]
    conditions = []
    for index, (name, desc) in enumerate(order):
        value = values[index]
        if name in NULLABLE and value is None:
            step = None  # nothing sorts after NULL on this column, NULLs being last
        elif name in NULLABLE:
            step = Q(**{f"{name}__{'lt' if desc else 'gt'}": value}) | Q(
                **{f"{name}__isnull": True}
            )
        else:
            step = Q(**{f"{name}__{'lt' if desc else 'gt'}": value})
        if step is None:
            continue
        for (earlier, _earlier_desc), earlier_value in zip(
            order[:index], values[:index], strict=True
        ):
            step &= (
                Q(**{f"{earlier}__isnull": True})
                if earlier_value is None
                else Q(**{earlier: earlier_value})
            )
        conditions.append(step)
    return reduce(operator.or_, conditions)
