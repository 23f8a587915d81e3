"""Keeping the search index current: the text-search vectors of each saved translation
(PostgreSQL) and the vocabulary used to correct typos (both databases).

Only published articles are searchable: the vectors of a draft's translations are NULL, so the
search reads the translations table alone (faq.search.postgres). ArticleTranslation.save(),
Article.save() and the publish / unpublish queryset methods call index_translations(); code that
bypasses them (bulk_create in seed_faq and the benchmark) calls it itself.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, transaction

from ..languages import SEARCH_CONFIGS
from ..markdown import plain_text
from ..models import Article, ArticleTranslation, SearchWord
from .text import index_document, vocabulary

# Rows per UPDATE ... FROM (VALUES ...) statement: a few hundred kB of text per round trip.
VECTOR_BATCH_SIZE = 200
WORD_BATCH_SIZE = 1000


def index_translations(translations: Iterable[ArticleTranslation]) -> None:
    """Refresh the search vectors and add the vocabulary of these saved translations."""
    translations = [translation for translation in translations if translation.pk]
    if not translations:
        return
    add_words(translations)
    if connection.vendor == "postgresql":
        for start in range(0, len(translations), VECTOR_BATCH_SIZE):
            _update_vectors(translations[start : start + VECTOR_BATCH_SIZE])


def add_words(translations: Sequence[ArticleTranslation]) -> None:
    words = sorted(
        {
            (translation.language, word)
            for translation in translations
            for word in vocabulary(
                translation.title, translation.search_text, translation.body_text
            )
        }
    )
    if connection.vendor != "postgresql":
        rows = [SearchWord(language=language, word=word) for language, word in words]
        SearchWord.objects.bulk_create(rows, batch_size=WORD_BATCH_SIZE, ignore_conflicts=True)
        return
    for start in range(0, len(words), WORD_BATCH_SIZE):
        batch = words[start : start + WORD_BATCH_SIZE]
        values = ", ".join(["(%s, %s, %s::regconfig)"] * len(batch))
        params = [
            item for language, word in batch for item in (language, word, SEARCH_CONFIGS[language])
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {SearchWord._meta.db_table} (language, word, lexeme)
                SELECT v.language, v.word,
                       coalesce((tsvector_to_array(to_tsvector(v.config, v.word)))[1], '')
                  FROM (VALUES {values}) AS v (language, word, config)
                    ON CONFLICT (language, word) DO NOTHING
                """,
                params,
            )


def _update_vectors(translations: Sequence[ArticleTranslation]) -> None:
    # Title weighs A, the editors' search text B, the body C (faq.search.postgres ranks by them).
    values = ", ".join(["(%s::bigint, %s::regconfig, %s, %s, %s)"] * len(translations))
    params = []
    for translation in translations:
        language = translation.language
        params += [
            translation.pk,
            SEARCH_CONFIGS[language],
            index_document(translation.title, language),
            index_document(translation.search_text, language),
            index_document(translation.body_text, language),
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {ArticleTranslation._meta.db_table} AS t
               SET head_vector = CASE WHEN a.status = %s THEN head.vector END,
                   search_vector = CASE WHEN a.status = %s
                       THEN head.vector || setweight(to_tsvector(v.config, v.body), 'C') END
              FROM (VALUES {values}) AS v (id, config, title, extra, body),
                   {Article._meta.db_table} AS a,
                   LATERAL (
                       SELECT setweight(to_tsvector(v.config, v.title), 'A')
                           || setweight(to_tsvector(v.config, v.extra), 'B') AS vector
                   ) AS head
             WHERE t.id = v.id AND a.id = t.article_id
            """,
            [Article.Status.PUBLISHED, Article.Status.PUBLISHED, *params],
        )


@transaction.atomic
def rebuild_index() -> int:
    """Recompute every translation's plain text, vectors and the whole vocabulary; returns the
    number of translations. Words no article uses any more disappear from the vocabulary."""
    SearchWord.objects.all().delete()
    translations = list(ArticleTranslation.objects.order_by("pk"))
    changed = []
    for translation in translations:
        text = plain_text(translation.body)
        if text != translation.body_text:
            translation.body_text = text
            changed.append(translation)
    ArticleTranslation.objects.bulk_update(changed, ["body_text"], batch_size=VECTOR_BATCH_SIZE)
    index_translations(translations)
    return len(translations)
