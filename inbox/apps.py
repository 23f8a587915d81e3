from django.apps import AppConfig


class InboxConfig(AppConfig):
    """In-app notifications: the staff's bell and notification centre (README "Staff
    workspace"). Emails are the notifications app's; this one keeps what a page shows."""

    name = "inbox"
    verbose_name = "In-app notifications"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tickets import reactions, roles

        from . import reactions as inbox_reactions

        reactions.subscribe(inbox_reactions.on_ticket_event)
        # The admin role's "inbox.view_staffnotification" exists once this app's permissions
        # are created, after the tickets app synced the role groups: sync them again.
        post_migrate.connect(roles.sync_role_groups, sender=self)
