"""What was removed from a PDF attachment (tickets/pdfs.py). A column with a constant default:
PostgreSQL adds it without rewriting the table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tickets", "0013_notification_unconfirmed_resend")]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="removed_content",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="active content removed"
            ),
        ),
    ]
