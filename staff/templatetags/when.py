"""Dates on staff pages, one way: `{{ value|when }}` is a <time> element with the date and time
in the reader's language (helpdesk/formats) and time zone (staff.middleware.StaffTimeZone
Middleware); `{{ value|when:"date" }}` the date alone; `{{ value|when:"relative" }}` "3 minutes
ago" with the full date in its title, for ages and recent activity."""

from datetime import date, datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import formats, timezone
from django.utils.html import format_html

register = template.Library()


def _aware(value) -> bool:
    return isinstance(value, datetime) and timezone.is_aware(value)


def localized(value: datetime | date, style: str = "datetime") -> str:
    """The reader's text for a date or an instant (in the active time zone)."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if style != "date":
            return formats.date_format(value, "DATETIME_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


@register.filter(is_safe=True)
def when(value, style: str = "datetime") -> str:
    """<time datetime="ISO 8601">the localized text</time>; empty for no value."""
    if not isinstance(value, date):
        return ""
    full = localized(value, style)
    # The reader's own offset, as the text shows it: "2026-12-08T13:00:00+08:00".
    iso = (timezone.localtime(value) if _aware(value) else value).isoformat()
    if style == "relative" and isinstance(value, datetime):
        return format_html(
            '<time datetime="{}" title="{}">{}</time>', iso, full, naturaltime(value)
        )
    return format_html('<time datetime="{}">{}</time>', iso, full)


@register.filter
def when_text(value, style: str = "datetime") -> str:
    """The same text without the element, for attributes and sentences."""
    if not isinstance(value, date):
        return ""
    return localized(value, style)
