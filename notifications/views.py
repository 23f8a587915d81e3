"""HTTP endpoints of notifications: the inbound email webhook and agents' email preferences."""

import base64
import binascii
import hmac
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.decorators import ratelimit

from tickets import roles
from tickets.models import InboundEmail, NotificationPreference

from . import inbound

logger = logging.getLogger(__name__)

RAW_MIME_TYPES = {"message/rfc822", "application/octet-stream", "text/plain"}
REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    503: "Service Unavailable",
}


def problem(status: int, detail: str, **headers: str) -> JsonResponse:
    """An RFC 9457 problem: with type about:blank, the title is the status's phrase."""
    response = JsonResponse(
        {"type": "about:blank", "title": REASONS[status], "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def authorized(request: HttpRequest, secret: str) -> bool:
    """Bearer <secret>, or basic auth with <secret> as the password (for providers that only
    take credentials in the URL, https://inbound:<secret>@help.example.com/inbound/email/)."""
    scheme, _space, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() == "bearer":
        given = value.strip()
    elif scheme.lower() == "basic":
        try:
            given = base64.b64decode(value.strip(), validate=True).decode().partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return False
    else:
        return False
    return hmac.compare_digest(given.encode(), secret.encode())


def _rate(group, request) -> str:
    return settings.INBOUND_EMAIL_RATE_LIMIT


@csrf_exempt
@never_cache
@ratelimit(key="ip", rate=_rate, method=ratelimit.ALL, block=False)
def inbound_email(request: HttpRequest) -> HttpResponse:
    """POST one raw RFC 822 message (Content-Type: message/rfc822). Optional query parameters
    `recipient` and `sender` carry the SMTP envelope when the provider knows it.

    200 threaded / ignored / duplicate, 201 new ticket, 202 quarantined; errors are problem JSON,
    and 503 (database unavailable) means: send it again later.
    """
    if getattr(request, "limited", False):
        return problem(429, "Too many requests from this address.", Retry_After="60")
    secret = settings.INBOUND_EMAIL_SECRET
    if not secret:
        return problem(404, "The inbound email webhook is off (INBOUND_EMAIL_SECRET is not set).")
    if not authorized(request, secret):
        return problem(
            401,
            "Send the shared secret as a Bearer token or as the basic-auth password.",
            WWW_Authenticate='Bearer realm="inbound email", Basic realm="inbound email"',
        )
    if request.method != "POST":
        return problem(405, "POST one raw email message.", Allow="POST")
    if request.content_type not in RAW_MIME_TYPES:
        return problem(
            415, "Send the raw message as the request body with Content-Type message/rfc822."
        )
    limit = settings.INBOUND_EMAIL_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    raw = b"" if declared > limit else request.read(limit + 1)
    if declared > limit or len(raw) > limit:
        return problem(413, f"The message is larger than {limit} bytes.")
    if not raw.strip():
        return problem(400, "The request body is empty: send one raw email message.")
    try:
        outcome = inbound.ingest(
            raw,
            source=InboundEmail.Source.WEBHOOK,
            envelope_sender=request.GET.get("sender"),
            envelope_recipient=request.GET.get("recipient") or None,
        )
    except inbound.TemporaryFailure:
        logger.warning("inbound webhook: database unavailable, asked the sender to retry")
        return problem(
            503, "The helpdesk cannot store email right now; retry later.", Retry_After="60"
        )
    status = {InboundEmail.Status.CREATED: 201, InboundEmail.Status.QUARANTINED: 202}.get(
        outcome.status, 200
    )
    return JsonResponse(outcome.as_dict(), status=status)


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = [
            "assigned",
            "customer_replied",
            "mentioned",
            "sla_warning",
            "sla_breach",
            "low_rating",
        ]


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """An agent chooses which emails they get (escalations always come)."""
    if not roles.is_staff_member(request.user):
        raise Http404
    current = NotificationPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(
        request.POST or None, instance=current or NotificationPreference(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your email preferences are saved."))
        return redirect("notification-preferences")
    return render(request, "staff/notification_preferences.html", {"form": form})
