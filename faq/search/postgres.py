"""Full-text search on PostgreSQL: a configuration per language, weighted title over body, and
trigram similarity against the articles' own words to correct typos before searching."""

from django.db import connection

from ..languages import SEARCH_CONFIGS
from ..models import Article, ArticleTranslation, Category, SearchWord
from .text import (
    HEADLINE_START,
    HEADLINE_STOP,
    MIN_CORRECTABLE_LENGTH,
    Terms,
    headline_to_html,
    snippet,
)

# ts_rank weights for D, C (body), B (search text), A (title).
WEIGHTS = [0.1, 0.2, 0.6, 1.0]
# Rank divided by 1 + log(document length): a long article does not win on length alone.
RANK_NORMALIZATION = 1
# Articles of the ticket category the customer picked rank higher (not exclusively: the topic
# picked is sometimes the wrong one).
TOPIC_BOOST = 1.5
# How close (pg_trgm similarity, 0..1) a known word must be to replace a misspelt one.
CORRECTION_THRESHOLD = 0.35
# One passage of up to 30 words around the best cluster of matches.
HEADLINE_OPTIONS = {
    "start_sel": HEADLINE_START,
    "stop_sel": HEADLINE_STOP,
    "max_words": 30,
    "min_words": 12,
    "short_word": 2,
    "max_fragments": 1,
    "fragment_delimiter": " … ",
}


def correct_words(words: tuple[str, ...], language: str) -> dict[str, str]:
    """{misspelt word: the nearest word the articles of `language` use}, in one query.

    A word is left alone when the articles use a word with the same stem ("crashing" and
    "crashes" both index as "crash") or when it is a stop word (no stem at all); the others are
    matched against the vocabulary by trigram similarity (pg_trgm, indexed).
    """
    candidates = [word for word in words if len(word) >= MIN_CORRECTABLE_LENGTH]
    if not candidates:
        return {}
    table = SearchWord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH word AS (
                SELECT q.word,
                       (tsvector_to_array(to_tsvector(%(config)s::regconfig, q.word)))[1] AS lexeme
                  FROM unnest(%(words)s::text[]) AS q (word)
            ),
            unknown AS (
                SELECT word.word
                  FROM word
                 WHERE word.lexeme IS NOT NULL
                   AND NOT EXISTS (
                        SELECT 1 FROM {table} AS known
                         WHERE known.language = %(language)s AND known.lexeme = word.lexeme
                   )
            )
            SELECT unknown.word, best.word, best.score
              FROM unknown
              JOIN LATERAL (
                    SELECT w.word, similarity(w.word, unknown.word) AS score
                      FROM {table} AS w
                     WHERE w.language = %(language)s AND w.word %% unknown.word
                  ORDER BY score DESC, length(w.word), w.word
                     LIMIT 1
              ) AS best ON true
            """,
            {"config": SEARCH_CONFIGS[language], "words": candidates, "language": language},
        )
        rows = cursor.fetchall()
    return {word: best for word, best, score in rows if score >= CORRECTION_THRESHOLD}


def tsquery_text(terms: Terms, operator: str = "|") -> str:
    """The terms joined by `operator` (| any, & all). The words are [0-9a-z] and the bigrams
    CJK characters only (faq.search.text), so none of them is an operator."""
    parts = list(terms.words)
    if len(terms.chinese) == 1 and len(terms.chinese[0]) == 1:
        parts.append(terms.chinese[0] + ":*")  # one character: the bigrams that start with it
    else:
        parts.extend(terms.chinese)
    return f" {operator} ".join(parts)


# How many of the best matches on title and search text are re-ranked on their whole text.
CANDIDATES = 30

# Two stages, so that a common word matching most articles stays cheap. First the candidates:
# the best matches on the small head vector (title, search text), read from the translations
# table alone (drafts have no vectors; a partial GIN index per language); then only those are
# re-ranked on the whole translation, with the topic boost and the published check.
#
# Which articles are candidates widens step by step (see search()): all the terms in the head,
# then any term in the head, then any term anywhere; each step ranks its candidates afresh
# and counts every term found.
SEARCH_SQL = """
WITH query AS (
    SELECT to_tsquery(%(config)s::regconfig, %(match)s) AS match,
           to_tsquery(%(config)s::regconfig, %(tsquery)s) AS q
),
candidate AS (
    SELECT t.id
      FROM {translation} AS t
     CROSS JOIN query
     WHERE t.language = %(language)s AND t.{vector} @@ query.match
     ORDER BY ts_rank(%(weights)s::real[], t.{vector}, query.q, %(normalization)s) DESC, t.id
     LIMIT %(candidates)s
)
SELECT t.article_id, a.slug, c.slug, c.ticket_category, t.title, t.language,
       ts_rank(%(weights)s::real[], t.search_vector, query.q, %(normalization)s)
       * CASE WHEN c.ticket_category = %(topic)s THEN %(boost)s ELSE 1.0 END AS rank,
       {snippet}
  FROM candidate
  JOIN {translation} AS t ON t.id = candidate.id
  JOIN {article} AS a ON a.id = t.article_id
  JOIN {category} AS c ON c.id = a.category_id
 CROSS JOIN query
 WHERE a.status = 'published'
 ORDER BY rank DESC, a.view_count DESC, t.id
 LIMIT %(limit)s
"""
HEADLINE_SQL = "ts_headline(%(config)s::regconfig, t.body_text, query.q, %(headline_options)s)"
FIELDS = [
    "article_id",
    "article__slug",
    "article__category__slug",
    "article__category__ticket_category",
    "title",
    "language",
    "rank",
]


def search(
    terms: Terms, language: str, *, limit: int, ticket_category: str | None = None
) -> list[dict]:
    """The best `limit` published translations in `language` for `terms`, as dicts with the
    article's fields, the rank and a safe snippet."""
    text = tsquery_text(terms)
    if not text:
        return []
    params = {
        "config": SEARCH_CONFIGS[language],
        "tsquery": text,
        "language": language,
        "weights": WEIGHTS,
        "normalization": RANK_NORMALIZATION,
        "topic": ticket_category or "",
        "boost": TOPIC_BOOST,
        "candidates": max(CANDIDATES, limit),
        "limit": limit,
        "headline_options": ", ".join(
            f'{key.replace("_", "")}="{value}"' for key, value in HEADLINE_OPTIONS.items()
        ),
    }
    # ts_headline cannot mark bigrams in unsegmented Chinese: that is highlighted in Python.
    chinese = language == "zh-hans"
    every_term = tsquery_text(terms, "&")
    # Each step runs only when the narrower one did not fill the page: all terms in the head is
    # selective (cheap) and usually enough in a large knowledge base; any term anywhere is the
    # widest (and slowest), and in a small one cheap.
    steps = [("head_vector", every_term)] if every_term != text else []
    steps += [("head_vector", text), ("search_vector", text)]
    for vector, match in steps:
        rows = _run({**params, "match": match}, vector=vector, chinese=chinese)
        if len(rows) >= limit:
            break
    for row in rows:
        if chinese:
            row["snippet"] = snippet(row.pop("snippet"), terms.highlight)
        else:
            row["snippet"] = headline_to_html(row["snippet"])
    return rows


def _run(params: dict, *, vector: str, chinese: bool) -> list[dict]:
    sql = SEARCH_SQL.format(
        translation=ArticleTranslation._meta.db_table,
        article=Article._meta.db_table,
        category=Category._meta.db_table,
        vector=vector,
        snippet="t.body_text" if chinese else HEADLINE_SQL,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [dict(zip([*FIELDS, "snippet"], row, strict=True)) for row in cursor.fetchall()]
