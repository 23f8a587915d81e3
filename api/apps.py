from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incidents import signals as incident_signals
        from privacy import erasure
        from tickets import reactions

        from . import privacy, webhooks

        reactions.subscribe(webhooks.on_ticket_event)
        incident_signals.subscribe(webhooks.on_incident_changed)
        # What the API keeps about a customer's tickets goes when the customer is erased.
        erasure.on_erasure(privacy.forget_tickets)
