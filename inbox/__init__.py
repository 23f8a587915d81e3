"""In-app notifications of the staff workspace: the bell, the notification centre, and the
reactions that fill them (assignments, mentions, customer replies, SLA warnings and breaches).

- `models`: StaffNotification, one row per thing to tell one agent.
- `services`: write rows (in the transaction of their cause), count and mark them read; the
  live message to the recipient's open pages after commit.
- `reactions`: which ticket event tells whom, subscribed in apps.py.
"""
