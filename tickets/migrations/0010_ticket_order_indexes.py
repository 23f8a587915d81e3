"""Indexes for queue pages over several queues, any status, and searches.

`queue_id IN (my queues)` cannot walk a per-queue index in order, so PostgreSQL sorted every
open ticket of those queues (about a second at a million tickets), and every ticket of them for
"all statuses" or a search. These are read in the page's order (next deadline, age, priority,
activity) and filtered until the page is full. Built CONCURRENTLY (see 0007).
"""

from django.db import migrations, models

from tickets.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tickets", "0009_notifications")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(fields=["sla_due_at", "created_at", "id"], name="ticket_due"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(fields=["created_at", "id"], name="ticket_created"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(fields=["-priority", "created_at", "id"], name="ticket_priority"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(fields=["-last_activity_at", "-id"], name="ticket_activity"),
        ),
    ]
