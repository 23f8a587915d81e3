from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The customer's side: the help centre's ticket pages, guest links and accounts."""

    name = "portal"
    verbose_name = "Customer portal"
