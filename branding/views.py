"""The brand's stylesheet and logo: public, and kept by browsers for a year at the address of
their version (a change gets a new address). Neither reads the database on a request: both
come from this process's copy of the brand (branding/brand.py), so error pages get them too."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .brand import brand_even_without_database, current_logo
from .favicon import CONTENT_TYPE, favicon_ico

A_YEAR = "public, max-age=31536000, immutable"
# An old or missing version: this answer may be replaced at any time.
A_MINUTE = "public, max-age=60"
# /favicon.ico without a version (browsers ask for it by themselves): kept a day.
A_DAY = "public, max-age=86400"


def _cache_for(request: HttpRequest, response: HttpResponse, version: str) -> HttpResponse:
    response["Cache-Control"] = A_YEAR if request.GET.get("v") == version else A_MINUTE
    return response


@require_GET
def stylesheet(request: HttpRequest) -> HttpResponse:
    """The brand's colours as CSS custom properties, which static/css/*.css use: a stylesheet
    rather than a style attribute, which the Content-Security-Policy forbids."""
    brand = brand_even_without_database()
    properties = "".join(f"  {name}: {value};\n" for name, value in brand.colours.items())
    css = f":root {{\n{properties}}}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    return _cache_for(request, response, brand.version)


@require_GET
def logo(request: HttpRequest) -> HttpResponse:
    brand = brand_even_without_database()
    found = current_logo() if brand.logo_type else None
    if found is None:
        raise Http404("No logo.")
    data, content_type = found
    response = HttpResponse(data, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _cache_for(request, response, brand.version)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """The tab's icon in the brand's colour (branding/favicon.py). Browsers ask /favicon.ico on
    their own, without the version the pages' <link rel="icon"> gives it."""
    brand = brand_even_without_database()
    colour = brand.colours.get("--brand", brand.primary_colour)
    response = HttpResponse(favicon_ico(colour), content_type=CONTENT_TYPE)
    if "v" not in request.GET:
        response["Cache-Control"] = A_DAY
        return response
    return _cache_for(request, response, brand.version)
