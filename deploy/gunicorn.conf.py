"""gunicorn's settings for the production image (Dockerfile, docker-compose.yml): uvicorn workers
serving helpdesk.asgi:application (pages and the staff pages' live WebSocket).

Access and error log lines pass through the same filter as the application's logs: no query
string (a search or a suggestion typed by a customer), no guest link token (/t/<token>/ opens a
ticket) and no card number, OTP, PIN, CVV or password reaches them (docs/redaction.md).
"""

import os

from gunicorn.glogging import Logger
from uvicorn_worker import UvicornWorker


class HelpdeskUvicornWorker(UvicornWorker):
    """ASGI (helpdesk.asgi:application): each worker is an event loop, so the staff pages' live
    WebSockets (staff/live.py) wait there without holding a sync worker each; Django runs the
    views in its threads as usual. uvicorn's own reading of X-Forwarded-For is off: the client's
    address is Django's to find, behind the proxies TRUSTED_PROXIES names (helpdesk/addresses.py),
    never the left-most entry a client wrote."""

    # No lifespan: the application has no startup or shutdown of its own.
    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "proxy_headers": False, "lifespan": "off"}


worker_class = HelpdeskUvicornWorker
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# nginx in front is the only client (docker-compose.yml); it sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
accesslog = "-"
# %(U)s is the path without its query string; no referrer (it is another page's full URL).
access_log_format = '%(h)s - %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        from helpdesk.logging import RedactingFilter

        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(RedactingFilter())


logger_class = RedactingLogger
