from django.db import migrations, models

from tickets.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: writes to a million-ticket table go on while it builds.
    atomic = False

    dependencies = [
        ("tickets", "0027_incidents"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("incident__isnull", False)),
                fields=["incident", "status", "id"],
                name="ticket_incident",
            ),
        ),
    ]
