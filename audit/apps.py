from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    """Who read what: the staff's reads of customer data, searches, downloads, exports and
    erasures, one append-only row each (README "Security", "Audit")."""

    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from tickets import roles

        # The admin role's "audit.view_auditentry" exists only once this app's permissions are
        # created, after the tickets app synced the role groups: sync them again.
        post_migrate.connect(roles.sync_role_groups, sender=self)
