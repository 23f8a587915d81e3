from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Email: the outbox written with each change, its delivery, and inbound email into tickets.
    Its models live in the tickets app (tickets/models/notifications.py)."""

    name = "notifications"
    verbose_name = "Notifications and email"

    def ready(self) -> None:
        from tickets import reactions

        from . import reactions as notification_reactions

        reactions.subscribe(notification_reactions.on_ticket_event)
