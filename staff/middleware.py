"""The staff's sessions end after STAFF_IDLE_TIMEOUT_HOURS without a request, and open nothing
before their second factor (STAFF_TWO_FACTOR)."""

import contextlib
import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from tickets import roles, second_factor

from .two_factor import step_url


class StaffIdleTimeoutMiddleware:
    """Staff are signed out after STAFF_IDLE_TIMEOUT_HOURS without a request (a shared
    computer at a help desk, a laptop left open): their next request goes to the sign-in page.
    Customers keep SESSION_COOKIE_AGE. The time of the last request is written at most once a
    minute. Goes after AuthenticationMiddleware and MessageMiddleware."""

    KEY = "staff_last_seen"
    WRITE_EVERY_SECONDS = 60

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and roles.is_staff_member(user):
            now = time.time()
            last_seen = request.session.get(self.KEY)
            timeout = settings.STAFF_IDLE_TIMEOUT_HOURS * 3600
            if last_seen is not None and now - last_seen > timeout:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(hours)s hours without activity.")
                    % {"hours": settings.STAFF_IDLE_TIMEOUT_HOURS},
                )
                return redirect_to_login(request.get_full_path(), reverse("staff-login"))
            if last_seen is None or now - last_seen > self.WRITE_EVERY_SECONDS:
                request.session[self.KEY] = now
        return self.get_response(request)


class StaffTimeZoneMiddleware:
    """Staff pages show times in the agent's own time zone (User.time_zone: an agent in
    Makassar or Singapore reads deadlines in their local time). Other pages, the API and emails
    keep the site's zone. Goes after AuthenticationMiddleware."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("staff-dashboard")
        user = getattr(request, "user", None)
        if (
            request.path_info.startswith(self.prefix)
            and user is not None
            and user.is_authenticated
            and user.time_zone
        ):
            # A zone removed from tzdata since it was saved: the site's zone.
            with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            try:
                return self.get_response(request)
            finally:
                timezone.deactivate()
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """A signed-in staff member who owes their second factor (tickets/second_factor.py) reaches
    only the code step or the set-up page, signing out and the language switch: every other page
    (staff, admin, help centre, htmx and JSON endpoints) sends them there. The API answers for
    itself (api/authentication.py refuses such a session; API keys are not sessions). Goes
    after OTPMiddleware, StaffIdleTimeoutMiddleware and HtmxMiddleware."""

    OPEN = frozenset(
        {
            "staff-two-factor-code",
            "staff-two-factor-enrol",
            "staff-login",
            "staff-logout",
            "logout",
            "admin:logout",
            "set-language",
            "healthz",
        }
    )

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.STAFF_TWO_FACTOR == second_factor.OFF:
            return None
        match = request.resolver_match
        if match.view_name in self.OPEN or "api" in match.namespaces:
            return None
        step = second_factor.pending(request.user)
        if step is None:
            return None
        if request.method == "GET":
            back = request.get_full_path()
        else:
            back = reverse("admin:index" if "admin" in match.namespaces else "staff-dashboard")
        target = step_url(step, back)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)
