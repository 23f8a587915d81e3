"""Search of the FAQ knowledge base in Bahasa Indonesia, English and simplified Chinese.

Public interface (the help centre's search page, the ticket form's suggestions, the portal):

    search_articles(query, language, *, limit=10, ticket_category=None) -> SearchResults

`SearchResults` is a sequence of `SearchHit`, best first. Each hit has the article's `slug`,
`title`, `url`, `category_slug` and `ticket_category`, the `language` of the translation that
matched, a `rank`, and a `snippet`: escaped HTML with the matching words in <mark>, safe to render
as it is. The results also say whether typos were corrected (`corrected_query`) and whether the
hits come from another language than the one asked for (`fallback_language`).

- PostgreSQL: full-text search with the `indonesian` and `english` configurations and character
  bigrams under `simple` for Chinese; title weighs more than the search text, which weighs more
  than the body; misspelt words are first replaced by the nearest word the articles use (pg_trgm);
  `ticket_category` ranks that topic's articles higher; snippets from ts_headline.
- SQLite (the embedded default): the same interface over substring matches (faq.search.simple).
- A query is searched in `language` first (Chinese first when it contains Chinese characters);
  when nothing matches there, in the other languages, and the hits say which.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.urls import reverse
from django.utils.safestring import SafeString

from ..languages import fallback_order, normalize_language
from . import postgres, simple
from .text import Terms, has_chinese, normalize, parse_query

MAX_LIMIT = 50


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    slug: str
    title: str
    snippet: SafeString
    language: str
    category_slug: str
    ticket_category: str
    rank: float
    # The language searched for: a hit in another language links to that translation.
    asked_language: str

    @property
    def url(self) -> str:
        url = reverse("faq:article", args=[self.slug])
        if self.language != self.asked_language:
            url += f"?lang={self.language}"
        return url


@dataclass(frozen=True)
class SearchResults:
    query: str
    language: str
    hits: list[SearchHit] = field(default_factory=list)
    corrected_query: str = ""
    fallback_language: str = ""

    def __iter__(self):
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index):
        return self.hits[index]

    @property
    def slugs(self) -> list[str]:
        return [hit.slug for hit in self.hits]


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def languages_to_try(query: str, language: str) -> list[str]:
    order = fallback_order(language)
    if has_chinese(query) and order[0] != "zh-hans":
        order.remove("zh-hans")
        order.insert(0, "zh-hans")
    return order


def search_articles(
    query: str, language: str, *, limit: int = 10, ticket_category: str | None = None
) -> SearchResults:
    """The published articles that best answer `query`, best first (see the module docstring)."""
    language = normalize_language(language)
    query = " ".join((query or "").split())
    limit = max(1, min(limit, MAX_LIMIT))
    engine = postgres if uses_postgres() else simple
    for candidate in languages_to_try(query, language):
        terms = parse_query(query, candidate)
        if not terms:
            break
        corrections = engine.correct_words(terms.words, candidate)
        if corrections:
            terms = Terms(
                tuple(dict.fromkeys(corrections.get(word, word) for word in terms.words)),
                terms.chinese,
            )
        rows = engine.search(terms, candidate, limit=limit, ticket_category=ticket_category)
        if rows:
            return SearchResults(
                query=query,
                language=language,
                hits=[_hit(row, language) for row in rows],
                corrected_query=_corrected(query, corrections),
                fallback_language=candidate if candidate != language else "",
            )
    return SearchResults(query=query, language=language)


def _hit(row: dict, language: str) -> SearchHit:
    return SearchHit(
        article_id=row["article_id"],
        slug=row["article__slug"],
        title=row["title"],
        snippet=row["snippet"],
        language=row["language"],
        category_slug=row["article__category__slug"],
        ticket_category=row["article__category__ticket_category"],
        rank=float(row["rank"]),
        asked_language=language,
    )


def _corrected(query: str, corrections: dict[str, str]) -> str:
    if not corrections:
        return ""
    return " ".join(corrections.get(word, word) for word in normalize(query).split())
