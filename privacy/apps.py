from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PrivacyConfig(AppConfig):
    """Personal data (README "Personal data"; UU PDP 27/2022): retention periods and their
    daily purge, a customer's export (right of access) and erasure. Below the surfaces (staff,
    portal and api call it), above the ticket domain, the FAQ and the notifications it reads."""

    name = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from tickets import roles

        # The admin role's "privacy.*" permissions exist only once this app's are created.
        post_migrate.connect(roles.sync_role_groups, sender=self)
