"""The Celery app, in the shape of Celery's "First steps with Django" guide."""

import os

from celery import Celery

from . import kombu_fix

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
kombu_fix.install()

# The Django task class gives every task delay_on_commit(): enqueue only once the data it needs is
# committed, so a worker never looks for a row that a rolled-back or unfinished transaction holds.
app = Celery("helpdesk", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
