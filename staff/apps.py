from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The agents' workspace: dashboard, queues, the ticket page, reports."""

    name = "staff"
    verbose_name = "Staff workspace"

    def ready(self) -> None:
        from incidents import signals as incident_signals
        from tickets import reactions

        from . import incidents, live

        # Open pages hear of each ticket change once it commits (docs/architecture.md).
        reactions.subscribe(live.on_ticket_event)
        # The menu's count of active incidents is cached (staff/incidents.py).
        incident_signals.subscribe(incidents.forget_active_count)
