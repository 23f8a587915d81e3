"""The SLA engine (docs/design.md section 6).

- `business_time`: working time between two instants and the instant N working minutes later.
- `engine`: timers started, stopped, paused and re-projected by ticket events (reactions).
- `sweep`: the beat job that fires warnings, breaches and escalation steps.
- `notify`: the one place per warning / breach / escalation step where a notification is sent.
- `deadlines` and `reports`: what the staff workspace, the API and the lead's report read.
- `defaults`: the calendars and policies an installation starts with (seed_demo).
"""
