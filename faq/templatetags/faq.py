"""Template tags for pages outside the FAQ app (the portal's home page):

    {% load faq %}
    {% faq_search_box %}              the search form, posting to the FAQ search page
    {% faq_topics 3 %}                the topics with their top 3 articles, in the page's language

Both render partials that can also be included directly:
    {% include "faq/_search_box.html" with query="" %}
    {% include "faq/_topics.html" with topics=faq_topics %}
where `faq_topics` is `Category.objects.help_centre_topics(language, top=3)`.
"""

from django import template

from ..languages import current_language
from ..models import Category

register = template.Library()


@register.inclusion_tag("faq/_topics.html")
def faq_topics(top: int = 3) -> dict:
    return {"topics": Category.objects.help_centre_topics(current_language(), top=top)}


@register.inclusion_tag("faq/_search_box.html", takes_context=True)
def faq_search_box(context, query: str = "") -> dict:
    # The form POSTs (what was typed stays out of URLs), so it needs the page's CSRF token.
    return {"query": query, "csrf_token": context.get("csrf_token")}


@register.filter
def percent(value: float | None) -> str:
    """0.4567 -> "46%"; None (nothing to divide by) -> an en dash."""
    if value is None:
        return "\N{EN DASH}"
    return f"{round(value * 100)}%"
