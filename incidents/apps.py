from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """Incidents (README "Incidents"): an outage declared once, shown to customers as a banner
    and on the status page, matched to new tickets at creation, and updated and resolved for all
    of its tickets together by background jobs."""

    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tickets import reactions, roles

        from . import matching

        reactions.subscribe(matching.on_ticket_event)
        # The roles' "incidents.*" permissions exist only once this app's are created.
        post_migrate.connect(roles.sync_role_groups, sender=self)
