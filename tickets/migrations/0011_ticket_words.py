r"""Search words per queue, on the ticket row (PostgreSQL only; SQLite searches with LIKE).

0005 indexed subjects on tickets and bodies on messages. A word common in other queues and
absent from the agent's ("refund" for a payments agent: 110,000 tickets elsewhere) then cost
90 ms and more at a million tickets, whatever the plan: the word's whole index entry was read
and intersected with the queue, and PostgreSQL's statistics could not tell that the word was
rare in that queue, so it often walked the queue in page order looking for it.

Now tickets_ticket.words holds the words of the subject and of every message people wrote (public
replies and internal notes: the staff search covers both; not the system's own notes, SLA
escalations and merge notices, which would make "breached" match half the queue and cost a
ticket rewrite per note in the SLA sweep), each lexeme prefixed with the ticket's queue id:
'7/refund'. A search in queues 7 and 9 asks for ('7/refund':* | '9/refund':*), so the GIN index
reads the entries of those queues only, and the column's statistics are per queue too. Positions
are kept, so Chinese phrases (余 <-> 额) still match in order.

Triggers keep it current on every path that writes: a ticket's subject or queue changing
(row trigger), and messages written by the ORM, bulk inserts, COPY, a merge moving messages
(UPDATE ticket_id) or deletes (statement triggers: one recomputation per ticket touched).
A thread's text is read newest first and capped at MESSAGE_TEXT_LIMIT characters, so any thread
stays far below the 1 MB limit of a tsvector.

The backfill rewrites every ticket row: on a big live table run it in a maintenance window
(about six minutes per million tickets on a small machine).
"""

from django.db import migrations

from tickets.migration_operations import on_postgres

MESSAGE_TEXT_LIMIT = 200_000

# A tsvector whose lexemes are those of `value`, each prefixed with "<queue>/", at the same
# positions. The tsvector is built as text: 'lexeme':1,2 with quotes and backslashes escaped.
# A "word" of over 2,000 bytes (a pasted blob) is left out rather than fail the write.
WORDS = r"""
CREATE OR REPLACE FUNCTION helpdesk_words(queue bigint, value text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(
        '''' || queue || '/' || replace(replace(w.lexeme, '\', '\\'), '''', '''''') || ''''
        || CASE WHEN cardinality(w.positions) > 0
                THEN ':' || array_to_string(w.positions, ',') ELSE '' END,
        ' '), '')::tsvector
    FROM unnest(to_tsvector('simple'::regconfig, helpdesk_search_text(value))) AS w
    WHERE octet_length(w.lexeme) <= 2000  -- prefixed, it must stay within a lexeme's 2047 bytes
$$;
"""

MESSAGE_TEXT = f"""
CREATE OR REPLACE FUNCTION helpdesk_message_text(ticket bigint) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(left(string_agg(body, ' ' ORDER BY id DESC), {MESSAGE_TEXT_LIMIT}), '')
    FROM tickets_message WHERE ticket_id = ticket AND author_type <> 'system'
$$;
"""

TICKET_TRIGGER = """
CREATE OR REPLACE FUNCTION helpdesk_ticket_words_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.words := helpdesk_words(NEW.queue_id, NEW.subject || ' ' || helpdesk_message_text(NEW.id));
    RETURN NEW;
END
$$;
"""

MESSAGE_TRIGGER = """
CREATE OR REPLACE FUNCTION helpdesk_message_words_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        touched := ARRAY(SELECT DISTINCT ticket_id FROM new_rows WHERE author_type <> 'system');
    ELSIF TG_OP = 'DELETE' THEN
        touched := ARRAY(SELECT DISTINCT ticket_id FROM old_rows WHERE author_type <> 'system');
    ELSE
        touched := ARRAY(
            SELECT DISTINCT unnest(ARRAY[o.ticket_id, n.ticket_id])
            FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
            WHERE (o.author_type <> 'system' OR n.author_type <> 'system')
            AND (o.body IS DISTINCT FROM n.body OR o.ticket_id <> n.ticket_id)
        );
    END IF;
    IF cardinality(touched) > 0 THEN
        UPDATE tickets_ticket
        SET words = helpdesk_words(queue_id, subject || ' ' || helpdesk_message_text(id))
        WHERE id = ANY(touched);
    END IF;
    RETURN NULL;
END
$$;
"""

BACKFILL = f"""
UPDATE tickets_ticket AS t
SET words = helpdesk_words(t.queue_id, t.subject || ' ' || coalesce(thread.text, ''))
FROM tickets_ticket AS same
LEFT JOIN (
    SELECT ticket_id, left(string_agg(body, ' ' ORDER BY id DESC), {MESSAGE_TEXT_LIMIT}) AS text
    FROM tickets_message WHERE author_type <> 'system' GROUP BY ticket_id
) AS thread ON thread.ticket_id = same.id
WHERE same.id = t.id
"""

FORWARD = [
    "ALTER TABLE tickets_ticket ADD COLUMN words tsvector",
    WORDS,
    MESSAGE_TEXT,
    TICKET_TRIGGER,
    "CREATE TRIGGER ticket_words_insert BEFORE INSERT ON tickets_ticket "
    "FOR EACH ROW EXECUTE FUNCTION helpdesk_ticket_words_trigger()",
    "CREATE TRIGGER ticket_words_update BEFORE UPDATE OF subject, queue_id ON tickets_ticket "
    "FOR EACH ROW WHEN (OLD.subject IS DISTINCT FROM NEW.subject "
    "OR OLD.queue_id IS DISTINCT FROM NEW.queue_id) "
    "EXECUTE FUNCTION helpdesk_ticket_words_trigger()",
    MESSAGE_TRIGGER,
    *(
        f"CREATE TRIGGER message_words_{event.lower()} AFTER {event} ON tickets_message "
        f"REFERENCING {tables} FOR EACH STATEMENT "
        "EXECUTE FUNCTION helpdesk_message_words_trigger()"
        for event, tables in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ),
    BACKFILL,
    "CREATE INDEX ticket_words ON tickets_ticket USING gin (words)",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search",
    "ALTER TABLE tickets_message DROP COLUMN IF EXISTS search",
    "ANALYZE tickets_ticket",
]

BACKWARD = [
    "ALTER TABLE tickets_ticket ADD COLUMN search tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, helpdesk_search_text(subject))) STORED",
    "CREATE INDEX ticket_search ON tickets_ticket USING gin (search)",
    "ALTER TABLE tickets_message ADD COLUMN search tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, helpdesk_search_text(body))) STORED",
    "CREATE INDEX message_search ON tickets_message USING gin (search)",
    *(
        f"DROP TRIGGER {name} ON {table}"
        for name, table in (
            ("message_words_insert", "tickets_message"),
            ("message_words_update", "tickets_message"),
            ("message_words_delete", "tickets_message"),
            ("ticket_words_insert", "tickets_ticket"),
            ("ticket_words_update", "tickets_ticket"),
        )
    ),
    "DROP FUNCTION helpdesk_message_words_trigger()",
    "DROP FUNCTION helpdesk_ticket_words_trigger()",
    "DROP FUNCTION helpdesk_message_text(bigint)",
    "DROP FUNCTION helpdesk_words(bigint, text)",
    "ALTER TABLE tickets_ticket DROP COLUMN words",
]


class Migration(migrations.Migration):
    dependencies = [("tickets", "0010_ticket_order_indexes")]

    operations = [migrations.RunPython(on_postgres(FORWARD), on_postgres(BACKWARD))]
