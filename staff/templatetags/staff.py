from django import template
from django.utils.translation import gettext as _

from staff.incidents import active_count
from tickets import roles
from tickets.events import version_of
from tickets.models import SLATimer

register = template.Library()


@register.filter
def is_lead(user) -> bool:
    return roles.is_lead(user)


@register.simple_tag
def active_incident_count() -> int:
    return active_count()


@register.filter
def duration(seconds) -> str:
    """Seconds as '45 min' or '3 h 05 min' (or '—' when unknown)."""
    if seconds is None:
        return "—"
    minutes = round(float(seconds) / 60)
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    return _("%(h)d h %(m)02d min") % {"h": minutes // 60, "m": minutes % 60}


@register.filter
def metric_label(metric: str) -> str:
    return str(dict(SLATimer.Metric.choices).get(metric, metric))


@register.filter
def version(ticket) -> str:
    """The ticket's version as a form sends it back (tickets.events.version_of)."""
    return version_of(ticket)
