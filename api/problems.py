"""Every API error as a problem details object (RFC 9457), content type application/problem+json:
`type` (a stable URI per kind of problem), `title`, `status`, `detail`, and for invalid input
`errors`, a map of field name to messages. Messages pass through the redactor, so a card number
or code typed into a wrong field is never echoed back.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from tickets.redaction import redact
from tickets.services import ServiceError

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"

# slug -> (status, title). The slug ends the problem's `type` URI.
PROBLEMS = {
    "validation-error": (400, "Your request is not valid."),
    "not-authenticated": (401, "Authentication is needed."),
    "authentication-failed": (401, "The credentials are not valid."),
    "permission-denied": (403, "You may not do this."),
    "not-found": (404, "Not found."),
    "method-not-allowed": (405, "Method not allowed."),
    "not-acceptable": (406, "Not acceptable."),
    "conflict": (409, "The request conflicts with the ticket's state."),
    "precondition-failed": (412, "The ticket changed since you read it."),
    "idempotency-key-reused": (422, "The Idempotency-Key was used for another request."),
    "unsupported-media-type": (415, "Unsupported media type."),
    "payload-too-large": (413, "The request is too large."),
    "throttled": (429, "Too many requests."),
    "server-error": (500, "Something went wrong on our side."),
    "service-unavailable": (
        503,
        "Please try again in a minute: we have a short technical problem.",
    ),
}
SLUG_BY_STATUS = {
    400: "validation-error",
    401: "not-authenticated",
    403: "permission-denied",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "precondition-failed",
    415: "unsupported-media-type",
    422: "idempotency-key-reused",
    429: "throttled",
}


class PreconditionFailed(exceptions.APIException):
    """If-Match named a version of the ticket older than the current one."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The ticket changed since you read it."
    default_code = "precondition_failed"


def type_uri(slug: str) -> str:
    return f"{settings.SITE_URL}/api/problems/{slug}"


def _clean(text) -> str:
    return redact(str(text)).text


def problem(slug: str, detail: str = "", *, errors: dict | None = None, status_code=None) -> dict:
    code, title = PROBLEMS[slug]
    body = {
        "type": type_uri(slug),
        "title": _(title),
        "status": status_code or code,
        "detail": _clean(detail or _(title)),
    }
    if errors is not None:
        body["errors"] = errors
    return body


class ProblemResponse(Response):
    def __init__(self, body: dict, headers: dict | None = None):
        super().__init__(body, status=body["status"], headers=headers)
        self.content_type = CONTENT_TYPE


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...], "details.amount": [...]}; errors about the
    request as a whole are under "non_field_errors"."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in flatten_errors(value, name).items():
                flat.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        for item in detail:
            if isinstance(item, dict | list):
                for field, messages in flatten_errors(item, prefix).items():
                    flat.setdefault(field, []).extend(messages)
            else:
                flat.setdefault(prefix or "non_field_errors", []).append(_clean(item))
    else:
        flat.setdefault(prefix or "non_field_errors", []).append(_clean(detail))
    return flat


def exception_handler(exc, context) -> Response | None:
    """DRF's EXCEPTION_HANDLER: problem JSON for every error a view raises."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, ServiceError):
        set_rollback()
        return ProblemResponse(problem("conflict", str(exc)))
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's handler500 (below) answers, and the error is logged
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        return ProblemResponse(
            problem(
                "validation-error",
                _("Some fields are not valid; see errors."),
                errors=errors,
            ),
            headers,
        )
    if isinstance(exc, exceptions.AuthenticationFailed):
        slug = "authentication-failed"
    else:
        slug = SLUG_BY_STATUS.get(exc.status_code, "server-error")
    detail = exc.detail if isinstance(exc.detail, str) else ""
    body = problem(slug, detail, status_code=exc.status_code)
    # DRF answers 403 where no credentials were given and the scheme has no challenge header.
    return ProblemResponse(body, headers)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def json_problem(body: dict) -> JsonResponse:
    return JsonResponse(body, status=body["status"], content_type=CONTENT_TYPE)


def handler404(request: HttpRequest, exception=None) -> HttpResponse:
    """Problem JSON under /api/, the usual page elsewhere (helpdesk.errors is Django's handler)."""
    if is_api(request):
        return json_problem(problem("not-found"))
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return json_problem(problem("server-error"))
    return defaults.server_error(request)


def problem_page(request: HttpRequest, slug: str) -> JsonResponse:
    """What a problem `type` URI answers: its title and status, so the URIs resolve."""
    if slug not in PROBLEMS:
        return json_problem(problem("not-found"))
    status_code, title = PROBLEMS[slug]
    return JsonResponse(
        {"type": type_uri(slug), "title": _(title), "status": status_code},
        status=status.HTTP_200_OK,
    )
