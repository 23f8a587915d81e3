from django.http import HttpRequest

from .brand import CurrentBrand, current_brand


def brand(request: HttpRequest) -> dict[str, CurrentBrand]:
    """`brand` in every page's template; read from this process's memory (branding/brand.py)."""
    return {"brand": current_brand()}
