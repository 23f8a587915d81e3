"""Indexes on tickets for "sort by next SLA deadline".

The tickets table holds a million rows and more, so on PostgreSQL the indexes are built
CONCURRENTLY: writes go on while they build (which is why this migration is not atomic). Other
databases (SQLite for `make run`) build them the ordinary way.
"""

from django.db import migrations, models

from tickets.migration_operations import AddIndexConcurrentlyOnPostgres

OPEN = models.Q(status__in=("new", "open", "pending_customer", "on_hold"))


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
