"""Deflection: customers who find their answer in the FAQ instead of filing a ticket.

The journey: on the ticket form, articles are suggested as the subject is typed (`shown`); the
customer opens one (`opened`) and presses "this solved my problem" (`solved`), or goes back and
submits the ticket anyway (`ticket_submitted`). Each step is a Deflection row keyed by the
visitor's id (faq.visitors, a cookie); a journey is one visitor and ticket category.

Public interface:
- record_ticket_submitted(request, ticket) -> bool: the portal calls it after creating a ticket
  from the web form; it counts "ticket submitted anyway" when this session was shown suggestions
  in the last JOURNEY_WINDOW. Safe to call for every ticket.
- deflection_report(since=..., until=...) -> DeflectionReport: the rate per ticket category and
  the articles that deflect most (the report page at /help/report/).
The views record the other steps through record_suggestions_shown, record_article_opened and
record_solved.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.models import Category as TicketCategory
from tickets.models import Ticket

from . import services
from .languages import current_language
from .models import Article, Deflection
from .visitors import visitor_id

# The same (session, article) suggested again within this time is not counted again: the subject
# field asks for suggestions at every pause in typing.
SHOWN_DEBOUNCE_SECONDS = 30 * 60
OPENED_DEBOUNCE_SECONDS = 30 * 60
# A ticket submitted this long after the suggestions still belongs to the same journey.
JOURNEY_WINDOW = timedelta(hours=24)
TOP_ARTICLES = 10


def valid_ticket_category(code: str | None) -> str:
    return code if code in TicketCategory.Code.values else ""


@contextmanager
def _events_transaction():
    """A transaction for suggestion and opening events, written while the customer types.

    On PostgreSQL it commits without waiting for the WAL flush (synchronous_commit off, for this
    transaction only): these are statistics, and a crash may lose the last fraction of a second
    of them rather than make every keystroke pay a disk flush.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        yield


def record_suggestions_shown(
    request: HttpRequest, article_ids: Iterable[int], ticket_category: str
) -> int:
    """Count the articles suggested to this visitor; returns how many were new."""
    article_ids = list(article_ids)
    if not article_ids:
        return 0
    session = visitor_id(request, create=True)
    rows = [
        Deflection(
            kind=Deflection.Kind.SHOWN,
            session=session,
            article_id=article_id,
            ticket_category=valid_ticket_category(ticket_category),
            language=current_language(),
        )
        for article_id in article_ids
        if services.once_per(f"faq:shown:{session}:{article_id}", SHOWN_DEBOUNCE_SECONDS)
    ]
    if rows:
        with _events_transaction():
            Deflection.objects.bulk_create(rows)
    return len(rows)


def record_article_opened(request: HttpRequest, article: Article, ticket_category: str) -> bool:
    session = visitor_id(request, create=True)
    if not services.once_per(f"faq:opened:{session}:{article.pk}", OPENED_DEBOUNCE_SECONDS):
        return False
    with _events_transaction():
        Deflection.objects.create(
            kind=Deflection.Kind.OPENED,
            session=session,
            article=article,
            ticket_category=valid_ticket_category(ticket_category),
            language=current_language(),
        )
    return True


def record_solved(request: HttpRequest, article: Article, ticket_category: str) -> bool:
    """ "This solved my problem": counted once per session and article; also a helpful vote when
    the session has not voted on the article. Returns False when it was already counted."""
    session = visitor_id(request, create=True)
    language = current_language()
    try:
        with transaction.atomic():
            Deflection.objects.create(
                kind=Deflection.Kind.SOLVED,
                session=session,
                article=article,
                ticket_category=valid_ticket_category(ticket_category)
                or article.category.ticket_category,
                language=language,
            )
    except IntegrityError:
        return False
    services.vote_helpful_unless_voted(article=article, session=session, language=language)
    return True


def record_ticket_submitted(request: HttpRequest, ticket: Ticket) -> bool:
    """Count a ticket filed from the web form after this session was shown suggestions.

    Returns False (and writes nothing) when the session saw no suggestions in the journey window,
    or when this ticket was already counted.
    """
    session = visitor_id(request)
    if session is None:
        return False
    since = timezone.now() - JOURNEY_WINDOW
    shown = Deflection.objects.filter(
        session=session, kind=Deflection.Kind.SHOWN, created_at__gte=since
    )
    if not shown.exists():
        return False
    try:
        with transaction.atomic():
            Deflection.objects.create(
                kind=Deflection.Kind.TICKET_SUBMITTED,
                session=session,
                ticket=ticket,
                ticket_category=valid_ticket_category(ticket.category_id),
                language=ticket.language or current_language(),
            )
    except IntegrityError:
        return False
    return True


@dataclass
class CategoryDeflection:
    """Journeys of one ticket category in which articles were suggested."""

    ticket_category: str
    label: str
    journeys: int = 0
    opened: int = 0
    solved: int = 0
    submitted: int = 0
    # Solved and no ticket filed afterwards in the same journey.
    deflected: int = 0

    @property
    def rate(self) -> float | None:
        return self.deflected / self.journeys if self.journeys else None


@dataclass
class ArticleDeflection:
    article_id: int
    slug: str
    title: str
    shown: int
    opened: int
    solved: int

    @property
    def solve_rate(self) -> float | None:
        """Of the customers who opened it from a suggestion, the share it solved the problem for."""
        return self.solved / self.opened if self.opened else None


@dataclass
class DeflectionReport:
    since: datetime
    until: datetime
    categories: list[CategoryDeflection] = field(default_factory=list)
    total: CategoryDeflection = field(default_factory=lambda: CategoryDeflection("", ""))
    top_articles: list[ArticleDeflection] = field(default_factory=list)


# Portable SQL (PostgreSQL and SQLite): one row per journey, then per ticket category.
JOURNEYS_SQL = """
SELECT ticket_category,
       COUNT(*),
       SUM(opened),
       SUM(solved),
       SUM(submitted),
       SUM(CASE WHEN solved = 1 AND submitted = 0 THEN 1 ELSE 0 END)
  FROM (SELECT session,
               ticket_category,
               MAX(CASE WHEN kind = 'shown' THEN 1 ELSE 0 END) AS shown,
               MAX(CASE WHEN kind = 'opened' THEN 1 ELSE 0 END) AS opened,
               MAX(CASE WHEN kind = 'solved' THEN 1 ELSE 0 END) AS solved,
               MAX(CASE WHEN kind = 'ticket_submitted' THEN 1 ELSE 0 END) AS submitted
          FROM {table}
         WHERE created_at >= %s AND created_at < %s
      GROUP BY session, ticket_category) AS journey
 WHERE shown = 1
 GROUP BY ticket_category
"""


def deflection_report(
    *, since: datetime, until: datetime | None = None, language: str | None = None
) -> DeflectionReport:
    """Deflection per ticket category and the articles that deflect most, for [since, until)."""
    until = until or timezone.now()
    labels = {category.code: category.label() for category in TicketCategory.objects.all()}
    report = DeflectionReport(since=since, until=until)
    with connection.cursor() as cursor:
        cursor.execute(JOURNEYS_SQL.format(table=Deflection._meta.db_table), [since, until])
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    # Every topic, even without journeys; suggestions asked for without a topic come last.
    codes = [*TicketCategory.Code.values, *([""] if "" in rows else [])]
    for code in codes:
        journeys, opened, solved, submitted, deflected = rows.get(code, (0, 0, 0, 0, 0))
        report.categories.append(
            CategoryDeflection(
                ticket_category=code,
                label=labels.get(code)
                or (TicketCategory.Code(code).label if code else _("No topic")),
                journeys=journeys,
                opened=opened or 0,
                solved=solved or 0,
                submitted=submitted or 0,
                deflected=deflected or 0,
            )
        )
    for row in report.categories:
        for name in ("journeys", "opened", "solved", "submitted", "deflected"):
            setattr(report.total, name, getattr(report.total, name) + getattr(row, name))
    report.top_articles = _top_articles(since, until, language or current_language())
    return report


def _top_articles(since: datetime, until: datetime, language: str) -> list[ArticleDeflection]:
    counts = (
        Deflection.objects.filter(created_at__gte=since, created_at__lt=until)
        .exclude(article=None)
        .values("article")
        .annotate(
            shown=Count("pk", filter=Q(kind=Deflection.Kind.SHOWN)),
            opened=Count("pk", filter=Q(kind=Deflection.Kind.OPENED)),
            solved=Count("pk", filter=Q(kind=Deflection.Kind.SOLVED)),
        )
        .filter(solved__gt=0)
        .order_by("-solved", "-opened", "article")[:TOP_ARTICLES]
    )
    counts = list(counts)
    articles = Article.objects.prefetch_related("translations").in_bulk(
        [row["article"] for row in counts]
    )
    result = []
    for row in counts:
        article = articles[row["article"]]
        translation = article.translation(language)
        result.append(
            ArticleDeflection(
                article_id=article.pk,
                slug=article.slug,
                title=translation.title if translation else article.slug,
                shown=row["shown"],
                opened=row["opened"],
                solved=row["solved"],
            )
        )
    return result
