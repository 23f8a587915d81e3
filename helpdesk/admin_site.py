"""The Django admin site of the helpdesk: its titles, a sign-in rate-limited per client address
like the staff and customer sign-ins (django-axes locks an account at one address; this stops
one address from trying many accounts), and the staff's second factor (STAFF_TWO_FACTOR): a
session that owes it has no admin, and the admin's sign-in goes on to the staff's code step."""

from django.contrib import admin
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from staff.two_factor import step_url
from tickets import second_factor

SIGN_IN_RATE = "30/h"


class HelpdeskAdminSite(admin.AdminSite):
    site_header = "Helpdesk administration"
    site_title = "Helpdesk admin"

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and second_factor.pending(request.user) is None

    @method_decorator(ratelimit(key="ip", rate=SIGN_IN_RATE, method="POST", block=True))
    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        step = second_factor.pending(request.user)
        if step is not None and response.status_code == 302:
            return redirect(step_url(step, response.url))
        return response
