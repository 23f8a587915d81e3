"""Log records leave the process without a secret in them (docs/redaction.md, "Where it runs")."""

import logging
import re

from tickets.redaction import REDACTED, redact

# A request line or path with its query string: "GET /help/search/?q=... HTTP/1.1".
_QUERY = re.compile(r"(?P<path>/[^\s?\"']*)\?[^\s\"']*")
# Tokens in paths: a guest link (/t/<token>/ opens a ticket without a password), an email
# verification, a password reset (/accounts/password/reset/<uid>/<token>/).
_LINK_TOKEN = re.compile(
    r"(?P<prefix>/t/|/accounts/verify/|/accounts/password/reset/(?!sent/|done/)[^/\s\"'?]+/)"
    r"[^/\s\"'?]+"
)


def scrub_url(text: str) -> str:
    """Drop query strings and guest link tokens from anything that quotes a URL."""
    text = _QUERY.sub(r"\g<path>?…", text)
    return _LINK_TOKEN.sub(r"\g<prefix>…", text)


def scrub(text: str) -> str:
    return redact(scrub_url(text), replacement=REDACTED).text


class RedactingFilter(logging.Filter):
    """A safety net on every log handler: whatever a log line says, no card number, OTP, PIN,
    CVV, password or NIK leaves the process in it, nor a query string or a guest link token.
    Ticket text is redacted before it is stored; this covers what code might log by mistake
    (an exception quoting input, a request line with a search in it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
            # The formatted text above stands in for the exception from now on.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


# Run every few seconds by beat; what they do is logged by themselves when there is something.
ROUTINE_TASKS = ("sla_sweep_task", "sweep_outbox_task", "sweep_webhooks_task")


class RoutineTasksFilter(logging.Filter):
    """Drops Celery's "sending", "received" and "succeeded" lines of the routine sweeps: the SLA
    sweep alone runs 17,280 times a day, and its own log line says when it did something."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO or not record.name.startswith("celery."):
            return True
        message = record.getMessage()
        return not any(task in message for task in ROUTINE_TASKS)
