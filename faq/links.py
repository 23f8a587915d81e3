"""Links from the FAQ into the ticket forms of the customer portal."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse


def ticket_form_url(ticket_category: str, article_slug: str | None = None) -> str:
    """The portal's ticket form for a topic: `/tickets/new/<code>/?article=<slug>`.

    The portal names that URL "ticket-new-category"; until it exists the path is built here.
    The article slug tells the form (and the agent) which article the customer read first.
    """
    try:
        url = reverse("ticket-new-category", args=[ticket_category])
    except NoReverseMatch:
        url = f"/tickets/new/{ticket_category}/"
    if article_slug:
        url += "?" + urlencode({"article": article_slug})
    return url
