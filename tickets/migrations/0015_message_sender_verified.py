"""Messages from unverified email senders (notifications/authenticity.py). A boolean with
a constant default: PostgreSQL adds it to the messages table without rewriting it; the new event
kind and inbound outcome change choices only."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0014_attachment_removed_content"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="sender_verified",
            field=models.BooleanField(default=True, verbose_name="sender verified"),
        ),
        migrations.AlterField(
            model_name="inboundemail",
            name="status",
            field=models.CharField(
                choices=[
                    ("created", "Opened a ticket"),
                    ("threaded", "Added to a ticket"),
                    ("unverified", "Kept for review (sender not verified)"),
                    ("ignored", "Ignored (automatic)"),
                    ("quarantined", "Quarantined"),
                ],
                max_length=12,
                verbose_name="outcome",
            ),
        ),
        migrations.AlterField(
            model_name="ticketevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("status", "Status changed"),
                    ("priority", "Priority changed"),
                    ("category", "Category changed"),
                    ("queue", "Queue changed"),
                    ("assignee", "Assignee changed"),
                    ("tags", "Tags changed"),
                    ("replied", "Public reply"),
                    ("note", "Internal note"),
                    ("customer_replied", "Customer replied"),
                    ("redacted", "Sensitive data removed"),
                    ("merged", "Merged into another ticket"),
                    ("merged_from", "Another ticket merged in"),
                    ("escalated", "Escalated"),
                    ("link_sent", "Access link sent"),
                    ("csat", "Rated"),
                    ("sla", "SLA"),
                    ("unverified_email", "Unverified email kept for review"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
    ]
