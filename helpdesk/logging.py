import logging

from tickets.redaction import redact


class RedactingFilter(logging.Filter):
    """A safety net on every log handler: whatever a log line says, no card number, OTP, PIN,
    CVV, password or NIK leaves the process in it. Ticket text is redacted before it is stored;
    this covers what code might log by mistake (an exception message quoting input, say)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned.found:
            record.msg, record.args = cleaned.text, ()
        return True
