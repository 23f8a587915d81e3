"""The urgent routes of a topic as the customer reads them: the admin's text in the page's
language, their link, and the Brand page's hotline where a route asks for it."""

from dataclasses import dataclass

from branding.brand import current_brand
from tickets.models import Category, UrgentRoute


@dataclass(frozen=True)
class Route:
    instruction: str
    link: str = ""
    link_label: str = ""
    hotline: str = ""  # "+62 21 0123 4567", shown
    hotline_link: str = ""  # "tel:+622101234567"


def urgent_routes(category: Category | str) -> list[Route]:
    """The active routes of a topic, in the admin's order; a route left with nothing to show
    (its hotline asked for, none set on the Brand page) is left out."""
    brand = current_brand()
    routes = []
    for route in UrgentRoute.objects.filter(category=category, is_active=True):
        shown = Route(
            instruction=route.instruction(),
            link=route.link,
            link_label=route.link_label() if route.link else "",
            hotline=brand.hotline_display if route.show_hotline else "",
            hotline_link=f"tel:{brand.hotline}" if route.show_hotline and brand.hotline else "",
        )
        if shown.instruction or shown.link or shown.hotline:
            routes.append(shown)
    return routes
