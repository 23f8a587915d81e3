"""Unconfirmed notifications are sent once more after a delay (outbox.sweep): when, and the
sweep's index of those that are due, and the dashboard's of those sent twice. The column is nullable (no table rewrite); the index is
built CONCURRENTLY (see 0007), the outbox keeps taking rows meanwhile."""

from django.db import migrations, models
from django.db.models import Q

from tickets.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tickets", "0012_ticket_open_queue_status")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="unconfirmed_resent_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="resent after an unconfirmed attempt"
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="notification",
            index=models.Index(
                condition=Q(status="unconfirmed"),
                fields=["next_attempt_at"],
                name="notification_unconfirmed_due",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="notification",
            index=models.Index(
                condition=Q(unconfirmed_resent_at__isnull=False),
                fields=["unconfirmed_resent_at"],
                name="notification_resent",
            ),
        ),
    ]
