from django.conf import settings
from django.db import migrations


def create_default(apps, schema_editor):
    from sla.defaults import ensure_default_policy

    ensure_default_policy(apps.get_model, time_zone=settings.TIME_ZONE)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_ticket_sla_due_indexes")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
