from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from . import roles

        # Permissions exist only after migrate has run, so the role groups are synced afterwards.
        post_migrate.connect(roles.sync_role_groups, sender=self)
