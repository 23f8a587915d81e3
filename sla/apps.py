from django.apps import AppConfig


class SlaConfig(AppConfig):
    """SLA timers: policies, business calendars, the engine that keeps timers current as tickets
    change, and the sweep that fires warnings, breaches and escalation steps. Its models live in
    the tickets app (tickets/models/sla.py)."""

    name = "sla"
    verbose_name = "SLA"

    def ready(self) -> None:
        from tickets import reactions

        from . import engine

        reactions.subscribe(engine.on_ticket_event)
