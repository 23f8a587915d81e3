"""The staff's sessions end after STAFF_IDLE_TIMEOUT_HOURS without a request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext as _

from tickets import roles


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
