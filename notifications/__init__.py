"""Notifications and email (docs/design.md section 7; README "Notifications and email").

- outbox: Notification rows written with the change that causes them, published after commit,
  and the sweep that republishes what a lost broker message or a dead worker left behind.
- reactions: which ticket event notifies whom; notify_sla() for the SLA sweep.
- delivery, rendering, smtp: sending one notification at most once, with threading headers.
- inbound, parsing: email into tickets (the ingest_email command and the webhook).

The app subscribes reactions.on_ticket_event to ticket events (apps.py); the SLA sweep calls
reactions.notify_sla().
"""
