"""Markers of the privacy app (README "Personal data"): erased contacts, removed files,
anonymised tickets. Nullable columns and a constant database default: on PostgreSQL 11+ each
ADD COLUMN changes the catalogue only, without rewriting or scanning the big tables."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0018_phone_numbers_in_e164"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="removed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="file removed"
            ),
        ),
        migrations.AddField(
            model_name="attachment",
            name="removed_by",
            field=models.CharField(
                blank=True,
                choices=[("retention", "Retention"), ("erasure", "Erasure")],
                db_default="",
                default="",
                editable=False,
                max_length=10,
                verbose_name="removed by",
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="erased_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="erased"
            ),
        ),
        migrations.AddField(
            model_name="ticket",
            name="anonymised_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="anonymised"
            ),
        ),
    ]
