"""The search's storage and indexes, on PostgreSQL only (SQLite, the embedded default, searches
without them).

- GIN indexes on the stored text-search vectors, one per language (partial), for the head (title
  and search text) and the whole translation: what `t.<vector> @@ query` of one language is
  answered from. A language added to settings.LANGUAGES needs its own pair.
- Translation rows kept narrow: bodies and whole vectors are stored out of line (TOAST) and the
  small head vector inline, so ranking thousands of matching heads reads few pages.
- Trigram GIN on the vocabulary: the nearest known word to a misspelt one (`word % 'refnd'`).

The tables are new and empty when this runs, so plain CREATE INDEX (which blocks writes while it
builds) costs nothing, and the storage settings apply to every row.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

LANGUAGES = {"id": "id", "en": "en", "zh_hans": "zh-hans"}

INDEXES = [
    *(
        (
            f"faq_translation_{vector}_{suffix}",
            f"CREATE INDEX faq_translation_{vector}_{suffix} ON faq_articletranslation "
            f"USING gin ({vector}_vector) WHERE language = '{code}'",
        )
        for vector in ("head", "search")
        for suffix, code in LANGUAGES.items()
    ),
    (
        "faq_search_word_trgm",
        "CREATE INDEX faq_search_word_trgm ON faq_searchword USING gin (word gin_trgm_ops)",
    ),
]
STORAGE = [
    # Rows above 512 bytes move their largest values (body, body text, whole vector) out of line.
    (
        "ALTER TABLE faq_articletranslation SET (toast_tuple_target = 512)",
        "ALTER TABLE faq_articletranslation RESET (toast_tuple_target)",
    ),
    # The head vector stays inline (compressed only as a last resort): ranking reads it.
    (
        "ALTER TABLE faq_articletranslation ALTER COLUMN head_vector SET STORAGE MAIN",
        "ALTER TABLE faq_articletranslation ALTER COLUMN head_vector SET STORAGE EXTENDED",
    ),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql, _undo in STORAGE:
        schema_editor.execute(sql)
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for _sql, undo in STORAGE:
        schema_editor.execute(undo)


class Migration(migrations.Migration):
    dependencies = [("faq", "0001_initial")]

    operations = [
        # Does nothing on databases other than PostgreSQL (CreateExtension checks the vendor).
        TrigramExtension(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
