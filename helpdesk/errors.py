"""The error pages and answers: 404 and 500, and 503 when the database does not answer.

A 503 says "try again soon" (with Retry-After) where a 500 says "our bug": when PostgreSQL is
down or restarting, a request fails with OperationalError or InterfaceError, wherever it was
raised (a view, the session or the user in a middleware). The web page is styled and translated,
and reads neither the database nor the session; the API answers problem JSON.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.decorators.cache import never_cache

from api import problems

RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


def handler404(request: HttpRequest, exception=None) -> HttpResponse:
    return problems.handler404(request, exception)


@never_cache
def handler500(request: HttpRequest) -> HttpResponse:
    """Django calls this inside the `except` of the failed request: the error is at hand."""
    error = sys.exc_info()[1]
    if not database_unavailable(error):
        return problems.handler500(request)
    if problems.is_api(request):
        response = problems.json_problem(problems.problem("service-unavailable"))
    else:
        page = loader.get_template("503.html").render({"resubmit": request.method == "POST"})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
