"""The simple search for the embedded default (SQLite): substring matches scored in Python.

Good for the few dozen articles of a demo or a small installation; PostgreSQL is the production
search (faq.search.postgres). Typos are corrected against the same vocabulary with difflib.
"""

import difflib
from functools import reduce
from operator import or_

from django.db.models import Q

from ..models import Article, ArticleTranslation, SearchWord
from .text import MIN_CORRECTABLE_LENGTH, Terms, snippet

# Score of a term found in the title, the search text and the body.
TITLE_SCORE, SEARCH_TEXT_SCORE, BODY_SCORE = 3.0, 2.0, 1.0
TOPIC_BOOST = 1.5
CORRECTION_CUTOFF = 0.75  # difflib ratio
MAX_CANDIDATES = 500


def correct_words(words: tuple[str, ...], language: str) -> dict[str, str]:
    candidates = [word for word in words if len(word) >= MIN_CORRECTABLE_LENGTH]
    if not candidates:
        return {}
    known = set(
        SearchWord.objects.filter(language=language).values_list("word", flat=True).iterator()
    )
    corrections = {}
    for word in candidates:
        if word not in known:
            close = difflib.get_close_matches(word, known, n=1, cutoff=CORRECTION_CUTOFF)
            if close:
                corrections[word] = close[0]
    return corrections


def search(
    terms: Terms, language: str, *, limit: int, ticket_category: str | None = None
) -> list[dict]:
    needles = terms.highlight
    if not needles:
        return []
    matches = reduce(
        or_,
        (
            Q(title__icontains=needle)
            | Q(search_text__icontains=needle)
            | Q(body_text__icontains=needle)
            for needle in needles
        ),
    )
    rows = list(
        ArticleTranslation.objects.filter(matches, language=language)
        .filter(article__status=Article.Status.PUBLISHED)
        .values(
            "article_id",
            "article__slug",
            "article__category__slug",
            "article__category__ticket_category",
            "article__view_count",
            "title",
            "language",
            "search_text",
            "body_text",
        )[:MAX_CANDIDATES]
    )
    for row in rows:
        title, extra, body = (row[key].casefold() for key in ("title", "search_text", "body_text"))
        score = sum(
            TITLE_SCORE * (needle in title)
            + SEARCH_TEXT_SCORE * (needle in extra)
            + BODY_SCORE * (needle in body)
            for needle in needles
        )
        if ticket_category and row["article__category__ticket_category"] == ticket_category:
            score *= TOPIC_BOOST
        row["rank"] = score
    rows.sort(key=lambda row: (-row["rank"], -row["article__view_count"], row["article_id"]))
    hits = rows[:limit]
    for row in hits:
        del row["search_text"], row["article__view_count"]
        row["snippet"] = snippet(row.pop("body_text"), needles)
    return hits
