from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BrandingConfig(AppConfig):
    """Whose helpdesk this is: the name, logo, colour, sender and official channels customers
    see in pages and emails, from the settings and the admin's Brand page."""

    name = "branding"
    verbose_name = "Branding"

    def ready(self) -> None:
        from tickets import roles

        # The admin role's "branding.*" permissions exist only once this app's are created,
        # after the tickets app synced the role groups: sync them again.
        post_migrate.connect(roles.sync_role_groups, sender=self)
