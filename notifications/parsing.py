"""Reading inbound email: the text a person wrote (without quoted history and signatures), its
attachments, whether a machine sent it, and which ticket it answers.

Pure functions over `email.message.EmailMessage`, so the corpus in tests/inbound pins them.
"""

import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from django.conf import settings

from branding.brand import current_brand
from tickets.models import Queue

# Why an email is not from a person, in the words the inbound log uses.
AUTO_REPLY = "auto-reply"
BOUNCE = "bounce"
MAILING_LIST = "mailing list"
LOOP = "loop (our own email came back)"

_AUTO_PRECEDENCE = {"bulk", "junk", "auto_reply", "auto-reply"}
_AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-AutoReply-From", "X-Mail-Autoreply")
_BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster)@", re.I)


def machine_sender(message: EmailMessage, envelope_sender: str | None) -> str | None:
    """Why this email was sent by a machine, or None for a person (RFC 3834, RFC 3464).

    Such an email never opens a ticket and is never answered: answering an out-of-office
    reply with a receipt is how two robots email each other forever.
    """
    if envelope_sender is not None and envelope_sender.strip("<> ") == "":
        return BOUNCE  # the null sender <> is reserved for bounces and other notifications
    content_type = message.get_content_type()
    if content_type == "multipart/report":
        return BOUNCE
    sender = parseaddr(str(message.get("From", "")))[1]
    if _BOUNCE_SENDERS.match(sender) or str(message.get("Return-Path", "")).strip() == "<>":
        return BOUNCE
    auto_submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return AUTO_REPLY
    if any(message.get(name) is not None for name in _AUTO_HEADERS):
        return AUTO_REPLY
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence == "list" or message.get("List-Id") or message.get("List-Unsubscribe"):
        return MAILING_LIST
    if precedence in _AUTO_PRECEDENCE:
        return AUTO_REPLY
    # Our own email coming back: from our address, or carrying one of our Message-IDs.
    our_ids = f"@{settings.EMAIL_MESSAGE_ID_DOMAIN}>".lower()
    if is_our_address(sender) or str(message.get("Message-ID", "")).strip().lower().endswith(
        our_ids
    ):
        return LOOP
    return None


def our_addresses() -> set[str]:

    # Emails go out from the Brand page's sender address when an admin set one, else from the
    # settings' (DEFAULT_FROM_EMAIL): both are ours.
    addresses = {
        parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower(),
        current_brand().sender_email.lower(),
    }
    addresses |= {
        email.lower() for email in Queue.objects.exclude(email="").values_list("email", flat=True)
    }
    return addresses


def is_our_address(address: str) -> bool:
    return bare_address(address) in our_addresses()


def bare_address(address: str) -> str:
    """payments+GP-7K3M9Q@x -> payments@x, lower-cased."""
    local, _at, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if local else address.strip().lower()


def plus_tag(address: str) -> str:
    local = address.strip().rpartition("@")[0]
    return local.split("+", 1)[1] if "+" in local else ""


def addresses(message: EmailMessage, *names: str) -> list[tuple[str, str]]:
    values = [str(value) for name in names for value in message.get_all(name, [])]
    return [(name, address.lower()) for name, address in getaddresses(values) if "@" in address]


MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def referenced_ids(message: EmailMessage) -> list[str]:
    """The Message-IDs this email answers, the most direct first: In-Reply-To, then References
    from the latest back."""
    in_reply_to = MESSAGE_ID.findall(str(message.get("In-Reply-To", "")))
    references = MESSAGE_ID.findall(str(message.get("References", "")))
    return list(dict.fromkeys([*in_reply_to, *reversed(references)]))


def reference_pattern() -> re.Pattern:
    # The reference alphabet (tickets.models.tickets) has no 0/O, 1/I/L.
    return re.compile(
        rf"(?<![A-Z0-9]){re.escape(settings.TICKET_REFERENCE_PREFIX)}-[2-9A-HJKMNP-Z]{{6}}(?![A-Z0-9])",
        re.I,
    )


def reference_in(text: str) -> str:
    match = reference_pattern().search(text or "")
    return match.group(0).upper() if match else ""


# Bodies --------------------------------------------------------------------------------------


@dataclass
class Part:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Body:
    text: str  # everything the person sent, as text
    attachments: list[Part] = field(default_factory=list)
    html_only: bool = False


def _decoded(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # an unknown charset name
        return payload.decode("utf-8", "replace")


def read_body(message: EmailMessage) -> Body:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    if plain is not None:
        text, html_only = _decoded(plain), False
    elif html is not None:
        text, html_only = html_to_text(_decoded(html)), True
    else:
        text, html_only = "", False
    attachments = []
    for part in message.iter_attachments():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        data = part.get_payload(decode=True) or b""
        attachments.append(
            Part(
                filename=part.get_filename() or "attachment",
                content_type=part.get_content_type(),
                data=data,
            )
        )
    return Body(text=text.replace("\r\n", "\n"), attachments=attachments, html_only=html_only)


class _HTMLText(HTMLParser):
    """HTML to plain text: paragraphs and line breaks kept, quoted blocks marked with "> " so
    the quote stripper treats them like a plain-text reply's."""

    PARAGRAPHS = {"p", "table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"}
    LINES = {"div", "br", "tr", "li"}
    SKIP = {"head", "style", "script", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skipping = 0
        self.quote_depth = 0

    def _newline(self) -> None:
        if self.lines[-1].strip("> "):
            self.lines.append("")

    def _paragraph(self) -> None:
        self._newline()
        if len(self.lines) > 1 and self.lines[-2].strip("> "):
            self.lines.append("")

    def handle_starttag(self, tag, attrs) -> None:
        classes = dict(attrs).get("class") or ""
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "blockquote" or "gmail_quote" in classes:
            self._newline()
            self.quote_depth += 1
        elif tag == "hr":
            self._newline()
            self.lines[-1] = "_" * 32
            self.lines.append("")
        elif tag in self.PARAGRAPHS:
            self._paragraph()
        elif tag in self.LINES:
            self._newline()
            if tag == "li":
                self.lines[-1] = "- "

    def handle_endtag(self, tag) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self._newline()
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag in self.PARAGRAPHS:
            self._paragraph()
        elif tag in self.LINES:
            self._newline()

    def handle_data(self, data) -> None:
        if self.skipping:
            return
        text = re.sub(r"\s+", " ", data)
        if not text.strip() and not self.lines[-1].strip("> "):
            return
        if not self.lines[-1] and self.quote_depth:
            self.lines[-1] = "> " * self.quote_depth
        self.lines[-1] += text.lstrip() if not self.lines[-1].strip("> ") else text

    def text(self) -> str:
        text = "\n".join(line.rstrip() for line in self.lines).strip()
        return re.sub(r"\n{3,}", "\n\n", text)


def html_to_text(html: str) -> str:
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    return parser.text()


# Quoted history and signatures ---------------------------------------------------------------

# "On Mon, 24 Nov 2026 at 10:02, Example Wallet <help@...> wrote:" (Gmail, iOS Mail, Thunderbird),
# "Pada tanggal Sen, 24 Nov 2026 pukul 10.02 ... menulis:", "... 于2026年11月24日周一 10:02写道：",
# "在 2026年11月24日，10:02，... 写道：". Gmail wraps a long one over two lines.
_ATTRIBUTION = re.compile(
    r"^(?:>?\s*)(?:(?:on|pada|le|am|el)\b.{0,300}\b(?:wrote|menulis|a écrit|schrieb|escribió)\s*:"
    r"|.{0,300}(?:写道|寫道)\s*[:：]?)\s*$",
    re.I | re.S,
)
# Outlook: a line of underscores or "-----Original Message-----", then From:/Sent: (or Dari:/
# Dikirim:, 发件人:/发送时间:) - or that header block alone.
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:original message|pesan asli|原始邮件|原始郵件)\s*-{2,}\s*$", re.I
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_FROM_HEADER = re.compile(r"^\s*\*?(?:from|dari|发件人|寄件者)\s*\*?\s*[:：]", re.I)
_SENT_HEADER = re.compile(
    r"^\s*\*?(?:sent|date|dikirim|tanggal|发送时间|日期|寄件日期)\s*\*?\s*[:：]", re.I
)
_FORWARD_MARKER = re.compile(
    r"^\s*(?:-{5,}\s*forwarded message\s*-{5,}|-{5,}\s*pesan yang diteruskan\s*-{5,}|"
    r"begin forwarded message:|awal pesan yang diteruskan:|-{5,}\s*转发的邮件\s*-{5,}|"
    r"以下为转发的邮件：)\s*$",
    re.I,
)
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|fw|tr|wg|转发|轉寄)\s*[:：]", re.I)
# The RFC 3676 signature separator, and what mobile mail apps append.
_SIGNATURE_SEPARATOR = re.compile(r"^-- ?$")
_DEVICE_SIGNATURE = re.compile(
    r"^\s*(?:sent from my \w+.*|sent from (?:outlook|yahoo mail|mail for windows)\b.*|"
    r"get outlook for \w+.*|dikirim dari (?:iphone|ipad) saya|"
    r"dikirim dari (?:yahoo mail|outlook)\b.*|"
    r"发自我的\s*(?:iphone|ipad)|从我的\s*(?:iphone|ipad)\s*发送)\s*$",
    re.I,
)


def is_forward(subject: str, text: str) -> bool:
    return bool(_FORWARD_SUBJECT.match(subject or "")) or any(
        _FORWARD_MARKER.match(line) for line in text.splitlines()
    )


def _quote_start(lines: list[str]) -> int | None:
    """The index of the first line of quoted history, if any."""
    for i, line in enumerate(lines):
        two = f"{line} {lines[i + 1].strip()}" if i + 1 < len(lines) else line
        if _ORIGINAL_MESSAGE.match(line):
            return i
        if _ATTRIBUTION.match(line) or (
            re.match(r"^\s*(?:on|pada|在)\b", line, re.I) and _ATTRIBUTION.match(two)
        ):
            return i
        if _UNDERSCORES.match(line) and any(_FROM_HEADER.match(x) for x in lines[i + 1 : i + 3]):
            return i
        if _FROM_HEADER.match(line) and any(_SENT_HEADER.match(x) for x in lines[i + 1 : i + 4]):
            return i
    # No header: a trailing block of "> " lines (and blank lines) is still history.
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and (lines[start - 1].startswith(">") or not lines[start - 1].strip()):
        start -= 1
    if start < end and any(line.startswith(">") for line in lines[start:end]):
        return start
    return None


def strip_reply(text: str, *, subject: str = "") -> str:
    """What the person wrote in this email: no quoted history, no signature.

    A forwarded email keeps everything: the forwarded part is what they want us to read.
    """
    text = text.replace("\r\n", "\n").strip("\n")
    if is_forward(subject, text):
        return text.strip()
    lines = text.split("\n")
    start = _quote_start(lines)
    if start is not None:
        lines = lines[:start]
    for i, line in enumerate(lines):
        if _SIGNATURE_SEPARATOR.match(line):
            lines = lines[:i]
            break
    while lines and (not lines[-1].strip() or _DEVICE_SIGNATURE.match(lines[-1])):
        lines.pop()
    return "\n".join(lines).strip()


# Language ------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u4e00-\u9fff]")
# Words common in short support emails in each language, for guessing one.
_INDONESIAN_WORDS = (
    "saya tidak sudah belum dan yang tolong terima kasih bisa mohon dengan untuk ini itu ke di "
    "ada apa akun uang saldo kenapa bagaimana tapi dana transaksi gagal masuk karena"
)
_ENGLISH_WORDS = (
    "the and my is to not have please was it you with for this money account why how but "
    "failed payment received refund help can"
)
_INDONESIAN = frozenset(_INDONESIAN_WORDS.split())
_ENGLISH = frozenset(_ENGLISH_WORDS.split())


def guess_language(text: str, content_language: str = "") -> str | None:
    """id, en or zh-hans from the Content-Language header or the words; None if unsure."""
    header = content_language.strip().lower()[:2]
    if header in ("id", "in"):
        return "id"
    if header == "en":
        return "en"
    if header == "zh":
        return "zh-hans"
    if len(_CJK.findall(text)) >= 4:
        return "zh-hans"
    words = re.findall(r"[a-z]+", text.lower())
    indonesian = sum(word in _INDONESIAN for word in words)
    english = sum(word in _ENGLISH for word in words)
    if max(indonesian, english) < 2 or indonesian == english:
        return None
    return "id" if indonesian > english else "en"
