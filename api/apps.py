from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tickets import reactions

        from . import webhooks

        reactions.subscribe(webhooks.on_ticket_event)
