from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The agents' workspace: dashboard, queues, the ticket page, reports."""

    name = "staff"
    verbose_name = "Staff workspace"

    def ready(self) -> None:
        from tickets import reactions

        from . import live

        # Open pages hear of each ticket change once it commits (docs/architecture.md).
        reactions.subscribe(live.on_ticket_event)
