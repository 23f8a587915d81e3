from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The agents' workspace: dashboard, queues, the ticket page, reports."""

    name = "staff"
    verbose_name = "Staff workspace"
