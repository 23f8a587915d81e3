from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from . import notifications, reactions, roles
        from .sla import engine as sla_engine

        # Permissions exist only after migrate has run, so the role groups are synced afterwards.
        post_migrate.connect(roles.sync_role_groups, sender=self)
        # SLA timers first: a notification may read the deadline the change just set.
        reactions.subscribe(sla_engine.on_ticket_event)
        reactions.subscribe(notifications.on_ticket_event)
