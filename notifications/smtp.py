"""Django's SMTP backend, told the moment a message can no longer be taken back.

Exactly-once email is impossible in general: a worker can die after the server has the message
and before the server says so. What we can know is which side of that moment a dead worker was
on. The SMTP server takes a message when it reads the final "." of DATA; until then, a dropped
connection means no message (RFC 5321 section 4.1.1.4). So just before that last line is written,
`HandOver.before_last_line()` records it in the database (notifications.delivery):
a claim that died before has certainly not been delivered and is resent; one that died after may
have been, and is left for a person (status "unconfirmed") rather than sent twice.

Without a hand-over in progress (account emails, other backends) this behaves like Django's.
"""

import smtplib
import socket
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.mail.backends.smtp import EmailBackend as DjangoEmailBackend


@dataclass
class HandOver:
    """What the SMTP conversation of one message got to."""

    before_last_line: Callable[[], None]
    handed_over: bool = False
    # The server answered the final "." with 250: it has the message.
    accepted: bool = False


current_hand_over: ContextVar[HandOver | None] = ContextVar("current_hand_over", default=None)


class _HandOverMixin:
    def data(self, msg):
        hand_over = current_hand_over.get()
        if hand_over is None:
            return super().data(msg)
        # smtplib.SMTP.data(), with a pause before the terminating "." line.
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")
        quoted = smtplib._quote_periods(msg)
        if quoted[-2:] != smtplib.bCRLF:
            quoted += smtplib.bCRLF
        # The last line goes in a segment of its own: without TCP_NODELAY, Nagle's algorithm
        # holds it until the server's delayed ACK of the body (40 ms on Linux).
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.send(quoted)
        try:
            hand_over.before_last_line()
        except BaseException:
            # Drop the connection in the middle of DATA: the server discards the message (and
            # nothing else, such as QUIT, is sent as if it were part of it).
            self.close()
            raise
        hand_over.handed_over = True
        self.send(b"." + smtplib.bCRLF)
        code, reply = self.getreply()
        hand_over.accepted = code == 250
        return code, reply


class SMTP(_HandOverMixin, smtplib.SMTP):
    pass


class SMTP_SSL(_HandOverMixin, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoEmailBackend):
    @property
    def connection_class(self):
        return SMTP_SSL if self.use_ssl else SMTP
