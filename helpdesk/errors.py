"""The error pages and answers: 400, 404 and 500, and 503 when the database does not answer.

A 503 says "try again soon" (with Retry-After) where a 500 says "our bug": when PostgreSQL is
down or restarting, a request fails with OperationalError or InterfaceError, wherever it was
raised (a view, the session or the user in a middleware). The web page is styled and translated,
and reads neither the database nor the session; the API answers problem JSON.
"""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from api import problems
from branding.brand import last_known_brand

RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


def error_page(template: str, context: dict | None = None) -> str:
    """An error page, with the brand this process read last: never read afresh, since the
    database may be what failed."""
    return loader.get_template(template).render({**(context or {}), "brand": last_known_brand()})


def _bad_request(request: HttpRequest, detail: str, *, status: int = 400) -> HttpResponse:
    if problems.is_api(request):
        slug = "payload-too-large" if status == 413 else "validation-error"
        return problems.json_problem(problems.problem(slug, detail))
    return HttpResponse(error_page("400.html", {"detail": detail}), status=status)


@never_cache
def handler400(request: HttpRequest, exception=None) -> HttpResponse:
    """A request Django refused before any view (too big, a forged host, broken multipart)."""
    if isinstance(exception, RequestDataTooBig):
        return _bad_request(
            request, _("The request is too large. Send smaller files, or fewer."), status=413
        )
    return _bad_request(request, _("The request could not be read."))


def refuse_null_characters(get_response):
    """A NUL character has no place in a URL; PostgreSQL refuses it in a query, so a filter
    or a path carrying one would fail as a 500. Refused at the door as a 400."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            # Before LocaleMiddleware: the language the browser or client asks for.
            with translation.override(translation.get_language_from_request(request)):
                return _bad_request(
                    request, _("The address contains a character that is not allowed.")
                )
        return get_response(request)

    return middleware


def handler404(request: HttpRequest, exception=None) -> HttpResponse:
    return problems.handler404(request, exception)


@never_cache
def handler500(request: HttpRequest) -> HttpResponse:
    """Django calls this inside the `except` of the failed request: the error is at hand."""
    error = sys.exc_info()[1]
    if not database_unavailable(error):
        if problems.is_api(request):
            return problems.handler500(request)
        return HttpResponseServerError(error_page("500.html"))
    if problems.is_api(request):
        response = problems.json_problem(problems.problem("service-unavailable"))
    else:
        page = error_page("503.html", {"resubmit": request.method == "POST"})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def permissions_policy(get_response):
    """Permissions-Policy on every answer: no camera, microphone, location or payment API."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
