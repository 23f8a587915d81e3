"""The ASGI entry point: Django's HTTP, and the staff pages' live WebSocket (staff/live.py).

Served by daphne under `manage.py runserver` and by gunicorn's uvicorn workers in production
(deploy/gunicorn.conf.py); helpdesk/wsgi.py still serves plain HTTP for tools that want WSGI.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
# Django first: the routes below import models.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from staff.live import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        # A page of another site cannot open a socket with our session cookie (the Origin must
        # be one of ALLOWED_HOSTS); the session names the user, the consumer checks the rest.
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
