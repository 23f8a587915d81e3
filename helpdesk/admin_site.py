"""The Django admin site of the helpdesk: its titles, and a sign-in rate-limited per client
address like the staff and customer sign-ins (django-axes locks an account at one address; this
stops one address from trying many accounts)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

SIGN_IN_RATE = "30/h"


class HelpdeskAdminSite(admin.AdminSite):
    site_header = "Helpdesk administration"
    site_title = "Helpdesk admin"

    @method_decorator(ratelimit(key="ip", rate=SIGN_IN_RATE, method="POST", block=True))
    def login(self, request, extra_context=None):
        return super().login(request, extra_context)


class HelpdeskAdminConfig(AdminConfig):
    default_site = "helpdesk.admin_site.HelpdeskAdminSite"
