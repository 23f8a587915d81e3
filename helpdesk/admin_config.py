"""Django's admin with the helpdesk's site (helpdesk/admin_site.py). Apart from it because
INSTALLED_APPS imports this module before any model can be: the site's module reads models."""

from django.contrib.admin.apps import AdminConfig


class HelpdeskAdminConfig(AdminConfig):
    default_site = "helpdesk.admin_site.HelpdeskAdminSite"
