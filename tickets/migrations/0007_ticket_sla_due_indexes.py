"""Indexes on tickets for "sort by next SLA deadline".

The tickets table holds a million rows and more, so on PostgreSQL the indexes are built
CONCURRENTLY: writes go on while they build (which is why this migration is not atomic). Other
databases (SQLite for `make run`) build them the ordinary way.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

OPEN = models.Q(status__in=("new", "open", "pending_customer", "on_hold"))


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(
            self, app_label, schema_editor, from_state, to_state
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tickets", "0006_sla")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(
                condition=OPEN, fields=["queue", "sla_due_at"], name="ticket_open_queue_sla_due"
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(
                condition=OPEN,
                fields=["assignee", "sla_due_at"],
                name="ticket_open_assignee_sla_due",
            ),
        ),
    ]
