from django.db import migrations


def create_defaults(apps, schema_editor):
    from tickets.defaults import ensure_default_queues

    ensure_default_queues(apps.get_model("tickets", "Queue"), apps.get_model("tickets", "Category"))


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
