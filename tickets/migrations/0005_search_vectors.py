"""Full-text search for the staff workspace, on PostgreSQL only (SQLite searches with LIKE).

Stored generated tsvector columns on ticket subjects and message bodies, with GIN indexes. The
'simple' configuration (no stemming) suits the mix of Indonesian, English and Chinese, names and
references agents search for; Chinese has no spaces, so each Han character becomes its own token
and a Chinese query is searched as a phrase (余额 -> 余 <-> 额).

On a big live table, add the columns and build the indexes CONCURRENTLY in a maintenance window
instead: ADD COLUMN ... GENERATED rewrites the table.
"""

from django.db import migrations

from tickets.migration_operations import on_postgres

SPLIT_HAN = r"""
CREATE OR REPLACE FUNCTION helpdesk_search_text(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT regexp_replace(lower(coalesce(value, '')), '([\u3400-\u9fff\uf900-\ufaff])', ' \1 ', 'g') $$;
"""

FORWARD = [
    SPLIT_HAN,
    "ALTER TABLE tickets_ticket ADD COLUMN search tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, helpdesk_search_text(subject))) STORED",
    "CREATE INDEX ticket_search ON tickets_ticket USING gin (search)",
    "ALTER TABLE tickets_message ADD COLUMN search tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, helpdesk_search_text(body))) STORED",
    "CREATE INDEX message_search ON tickets_message USING gin (search)",
]

BACKWARD = [
    "ALTER TABLE tickets_message DROP COLUMN IF EXISTS search",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search",
    "DROP FUNCTION IF EXISTS helpdesk_search_text(text)",
]



class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_staff_workspace")]

    operations = [migrations.RunPython(on_postgres(FORWARD), on_postgres(BACKWARD))]
