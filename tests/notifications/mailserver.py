"""A real SMTP server (aiosmtpd) for the email tests, with scriptable answers.

Runs in a thread of the test process on a free port. What it accepted is in `messages`, parsed;
`rcpt_replies` and `data_replies` script the answers to the next RCPT TO / DATA commands (None:
accept), `refuse` refuses addresses for good, and `hold_rcpt` / `hold_data` stop the
conversation of the n-th message until released, so a test can kill a worker at that moment.
"""

import asyncio
import socket
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Hold:
    """Stop at the `nth` (1-based) RCPT or DATA until released."""

    nth: int
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.rcpt_replies: list[str | None] = []
        self.data_replies: list[str | None] = []
        self.refuse: dict[str, str] = {}
        self.hold_rcpt: Hold | None = None
        self.hold_data: Hold | None = None
        self.rcpt_count = 0
        self.data_count = 0

    async def _wait(self, hold: Hold) -> None:
        hold.reached.set()
        await asyncio.get_running_loop().run_in_executor(None, hold.release.wait, 30)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_count += 1
            count = self.rcpt_count
            scripted = self.rcpt_replies.pop(0) if self.rcpt_replies else None
        if self.hold_rcpt is not None and self.hold_rcpt.nth == count:
            await self._wait(self.hold_rcpt)
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        if scripted:
            return scripted
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_count += 1
            count = self.data_count
            scripted = self.data_replies.pop(0) if self.data_replies else None
        if scripted:
            return scripted
        # The server has the whole message now: it counts as delivered even if the client
        # dies before reading the answer.
        with self.lock:
            self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.content))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.hold_data is not None and self.hold_data.nth == count:
            await self._wait(self.hold_data)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self.lock:
            raise AssertionError(f"expected {count} emails, the server got {len(self.messages)}")


class MailServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = Recorder()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "MailServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        for hold in (self.recorder.hold_rcpt, self.recorder.hold_data):
            if hold is not None:
                hold.release.set()
        self.controller.stop()
