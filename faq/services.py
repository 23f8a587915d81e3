"""Use-cases of the knowledge base that write: votes, views, and the counters they keep.

Counters on Article change only here, with F() updates inside the transaction that changes the
rows they count, so concurrent votes never lose or double a count.
"""

import logging
import re

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from redis.exceptions import RedisError

from tickets.redaction import redact

from .models import Article, ArticleFeedback
from .models.feedback import COMMENT_MAX_LENGTH

logger = logging.getLogger(__name__)

# A reload or a second tab within this time does not count as another view.
VIEW_DEBOUNCE_SECONDS = 6 * 3600
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def once_per(key: str, seconds: int) -> bool:
    """True the first time `key` is seen within `seconds` (a cache add); True as well when the
    cache does not answer, so a Redis outage over-counts rather than breaks the page."""
    try:
        return bool(cache.add(key, 1, timeout=seconds))
    except (RedisError, OSError):
        logger.warning("faq: cache unavailable, %s counted without debounce", key.split(":")[1])
        return True


def record_view(*, article: Article, visitor: str) -> bool:
    """Count a view of a published article, once per visitor and article within the debounce."""
    if not article.is_published:
        return False
    if not once_per(f"faq:view:{article.pk}:{visitor}", VIEW_DEBOUNCE_SECONDS):
        return False
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    return True


def clean_comment(comment: str) -> str:
    """Customer text like any other: control characters out, then the same redaction as ticket
    messages (a card number or OTP pasted into feedback is never stored)."""
    text = CONTROL_CHARACTERS.sub("", comment or "").strip()[:COMMENT_MAX_LENGTH]
    return redact(text).text


@transaction.atomic
def record_feedback(
    *, article: Article, session: str, language: str, helpful: bool, comment: str = ""
) -> ArticleFeedback:
    """This session's answer to "was this helpful?": the first vote, or a changed one.

    A new comment replaces the earlier one; a vote without a comment keeps it. The unique
    constraint on (article, session) is the real guard against two tabs voting at once.
    """
    comment = clean_comment(comment)
    now = timezone.now()
    feedback = (
        ArticleFeedback.objects.select_for_update().filter(article=article, session=session).first()
    )
    if feedback is None:
        try:
            with transaction.atomic():
                feedback = ArticleFeedback.objects.create(
                    article=article,
                    session=session,
                    language=language,
                    helpful=helpful,
                    comment=comment,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            # The other tab won the insert: change its vote instead.
            feedback = ArticleFeedback.objects.select_for_update().get(
                article=article, session=session
            )
        else:
            _count_vote(article, helpful, +1)
            return feedback
    if feedback.helpful != helpful:
        _count_vote(article, feedback.helpful, -1)
        _count_vote(article, helpful, +1)
    feedback.helpful = helpful
    feedback.language = language
    feedback.comment = comment or feedback.comment
    feedback.updated_at = now
    feedback.save(update_fields=["helpful", "language", "comment", "updated_at"])
    return feedback


def vote_helpful_unless_voted(*, article: Article, session: str, language: str) -> bool:
    """ "This solved my problem" is a helpful vote too, unless this session has already voted."""
    if ArticleFeedback.objects.filter(article=article, session=session).exists():
        return False
    record_feedback(article=article, session=session, language=language, helpful=True)
    return True


def _count_vote(article: Article, helpful: bool, delta: int) -> None:
    field = "helpful_yes_count" if helpful else "helpful_no_count"
    Article.objects.filter(pk=article.pk).update(**{field: F(field) + delta})


def recount_feedback(article_ids) -> None:
    """Recompute the vote counters of these articles from their feedback rows (after a delete)."""
    counts = Article.objects.filter(pk__in=article_ids).annotate(
        yes=Count("feedback", filter=Q(feedback__helpful=True)),
        no=Count("feedback", filter=Q(feedback__helpful=False)),
    )
    with transaction.atomic():
        for article in counts:
            Article.objects.filter(pk=article.pk).update(
                helpful_yes_count=article.yes, helpful_no_count=article.no
            )
