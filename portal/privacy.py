"""The customer asks for a copy of their data or for its erasure (README "Personal data"):
from "My requests", one button each; the request becomes a ticket staff act on."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from privacy import requests as privacy_requests
from tickets.services import customer_contact


@require_POST
@login_required
@ratelimit(key="user", rate="10/d", method="POST", block=True)
def personal_data_request(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    if kind not in privacy_requests.Kind.ALL:
        messages.error(request, _("Choose what you are asking for."))
        return redirect("my-requests")
    ticket = privacy_requests.request_from_customer(
        contact=customer_contact(request.user), kind=kind
    )
    messages.success(
        request,
        _(
            "We received your request (%(reference)s). Our account & security team will check "
            "that it comes from you and answer here."
        )
        % {"reference": ticket.reference},
    )
    return redirect("ticket-detail", reference=ticket.reference)
