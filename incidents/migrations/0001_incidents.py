
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tickets', '0026_low_rating_follow_up'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Incident',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title_id', models.CharField(blank=True, max_length=200, verbose_name='title (Bahasa Indonesia)')),
                ('title_en', models.CharField(blank=True, max_length=200, verbose_name='title (English)')),
                ('title_zh_hans', models.CharField(blank=True, max_length=200, verbose_name='title (简体中文)')),
                ('message_id', models.TextField(blank=True, verbose_name='message to customers (Bahasa Indonesia)')),
                ('message_en', models.TextField(blank=True, verbose_name='message to customers (English)')),
                ('message_zh_hans', models.TextField(blank=True, verbose_name='message to customers (简体中文)')),
                ('status', models.CharField(choices=[('investigating', 'Investigating'), ('identified', 'Identified'), ('monitoring', 'Monitoring a fix'), ('resolved', 'Resolved')], default='investigating', max_length=20, verbose_name='status')),
                ('payment_methods', models.JSONField(blank=True, default=list, verbose_name='payment methods')),
                ('banks', models.JSONField(blank=True, default=list, verbose_name='banks')),
                ('merchants', models.JSONField(blank=True, default=list, help_text='Names as customers write them; matched ignoring case and spaces.', verbose_name='merchants')),
                ('match_new_tickets', models.BooleanField(default=True, help_text='Link and tag new tickets that match the conditions while it is active.', verbose_name='link matching new tickets')),
                ('show_banner', models.BooleanField(default=True, help_text='On the help centre, the forms of the affected categories and the status page; off: staff only.', verbose_name='show a banner to customers')),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='started')),
                ('expected_end_at', models.DateTimeField(blank=True, null=True, verbose_name='expected end')),
                ('resolved_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='resolved')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('categories', models.ManyToManyField(blank=True, related_name='+', to='tickets.category', verbose_name='affected categories')),
                ('declared_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='declared by')),
                ('tag', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tickets.tag', verbose_name='tag')),
            ],
            options={
                'verbose_name': 'incident',
                'verbose_name_plural': 'incidents',
                'ordering': ['-started_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='IncidentUpdate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('investigating', 'Investigating'), ('identified', 'Identified'), ('monitoring', 'Monitoring a fix'), ('resolved', 'Resolved')], max_length=20, verbose_name='status')),
                ('message_id', models.TextField(blank=True, verbose_name='update (Bahasa Indonesia)')),
                ('message_en', models.TextField(blank=True, verbose_name='update (English)')),
                ('message_zh_hans', models.TextField(blank=True, verbose_name='update (简体中文)')),
                ('notify_customers', models.BooleanField(default=False, verbose_name='tell linked customers')),
                ('posted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='posted')),
                ('incident', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='updates', to='incidents.incident', verbose_name='incident')),
                ('posted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='posted by')),
            ],
            options={
                'verbose_name': 'incident update',
                'verbose_name_plural': 'incident updates',
                'ordering': ['-posted_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='IncidentJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('notify', 'Tell linked customers'), ('resolve', 'Resolve linked tickets')], max_length=10, verbose_name='kind')),
                ('outcome', models.CharField(choices=[('resolved', 'Resolve them'), ('pending_customer', 'Ask the customers to confirm (waiting for customer)'), ('leave', 'Leave their status as it is')], default='leave', max_length=20, verbose_name='linked tickets')),
                ('state', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='state')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='tickets')),
                ('done', models.PositiveIntegerField(default=0, verbose_name='done')),
                ('skipped', models.PositiveIntegerField(default=0, verbose_name='skipped')),
                ('cursor', models.BigIntegerField(default=0)),
                ('final_pass', models.BooleanField(default=False)),
                ('failures', models.PositiveSmallIntegerField(default=0)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started')),
                ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='started by')),
                ('incident', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='jobs', to='incidents.incident', verbose_name='incident')),
                ('update', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='jobs', to='incidents.incidentupdate', verbose_name='update')),
            ],
            options={
                'verbose_name': 'incident job',
                'verbose_name_plural': 'incident jobs',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(condition=models.Q(('resolved_at__isnull', True)), fields=['started_at'], name='incident_active'),
        ),
        migrations.AddConstraint(
            model_name='incident',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['investigating', 'identified', 'monitoring', 'resolved'])), name='incident_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='incident',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('resolved_at__isnull', False), ('status', 'resolved')), models.Q(models.Q(('status', 'resolved'), _negated=True), ('resolved_at__isnull', True)), _connector='OR'), name='incident_resolved_at_iff_resolved'),
        ),
        migrations.AddIndex(
            model_name='incidentjob',
            index=models.Index(condition=models.Q(('state__in', ['queued', 'running'])), fields=['heartbeat_at'], name='incident_job_unfinished'),
        ),
    ]
