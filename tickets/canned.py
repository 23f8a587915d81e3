"""Filling in canned responses: plain text substitution, never a template engine, so an answer
written by a lead cannot run template code or reach anything but these values."""

import re

from .models import CannedResponse, Ticket, User

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def render(response: CannedResponse, *, ticket: Ticket, agent: User) -> str:
    return fill(response.body, ticket=ticket, agent=agent)


def fill(text: str, *, ticket: Ticket, agent: User) -> str:
    """`text` with its placeholders filled in (a canned response's or a macro's reply)."""
    requester = ticket.requester
    values = {
        "customer_name": requester.name or requester.email.split("@")[0],
        "reference": ticket.reference,
        "agent_name": agent.get_short_name(),
        "subject": ticket.subject,
    }
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)
