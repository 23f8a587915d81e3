"""Remove secrets customers paste into tickets, before anything is stored (DESIGN.md section 10).

What goes:
- card numbers (13-19 digits, alone or in the usual groups of 4, Luhn-valid, with a card brand's
  prefix and length) keep their last 4 digits: "•••• •••• •••• 1111";
- a 16-digit NIK (Indonesian identity number) keeps its last 4, when it follows an identity keyword
  or has a NIK's structure (province code, birth date);
- OTP, PIN and CVV codes and passwords written after their keywords in Indonesian, English or
  Chinese become "[redacted]".
What stays: transaction references, phone numbers, amounts, dates, order and account numbers.

Hand-written on purpose (DESIGN.md section 14): the rules trade recall against false positives in
ways specific to a wallet's customers, and the corpus in tests/tickets/test_redaction.py pins them.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

MASK = "•"
REDACTED = "[redacted]"


class Kind:
    CARD = "card"
    NIK = "nik"
    OTP = "otp"
    PIN = "pin"
    CVV = "cvv"
    PASSWORD = "password"


@dataclass
class Redaction:
    """The redacted text and how many of each kind of secret were removed from it."""

    text: str
    found: Counter = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return bool(self.found)


# Secrets written after a keyword -------------------------------------------------------------

# Words that may stand between a keyword and its value: "kode OTP saya adalah 123456".
_FILLER = (
    r"(?:[:：=#\-]|is|was|adalah|ialah|yaitu|yakni|saya|sy|aku|ku|-?nya|anda|kamu|my|the|"
    r"code|kode|number|no\.?|nomor|nomer|atm|kartu|card|akun|account|login|sms|wa|yang|"
    r"masuk|dikirim|terakhir|baru|new|是|为|為|的|码)"
)
_GAP = rf"(?:\s*{_FILLER}){{0,4}}\s*"
_COPULA = r"(?:[:：=]|is|was|adalah|ialah|yaitu|-?nya|是|为|為)"

_OTP_WORDS = (
    r"otp|one[- ]time (?:password|passcode|code|pin)|verification code|kode verifikasi|"
    r"验证码|动态码|校验码|短信码"
)
_PIN_WORDS = r"(?<![a-z])pin(?![a-z])|pin ?码"
_CVV_WORDS = r"(?<![a-z])(?:cvv2?|cvc2?)(?![a-z])|security code|kode keamanan|安全码"
_PASSWORD_WORDS = r"password|passwd|pwd|passcode|kata sandi|katasandi|sandi|登录密码|支付密码|密码"

# A code of 4-8 digits, possibly written "123 456"; a CVV of 3-4 digits.
_CODE = r"(?<!\d)(?:\d{3}[ -]\d{3}|\d{4,8})(?![\d])"
_CVV = r"(?<!\d)\d{3,4}(?!\d)"

_KEYWORD_SECRETS = [
    (Kind.OTP, re.compile(rf"(?:{_OTP_WORDS}){_GAP}({_CODE})", re.I)),
    (Kind.CVV, re.compile(rf"(?:{_CVV_WORDS}){_GAP}({_CVV})", re.I)),
    (Kind.PIN, re.compile(rf"(?:{_PIN_WORDS}){_GAP}({_CODE})", re.I)),
    # A password needs a separator ("password: x") or a copula and a value that looks like one
    # (a digit or symbol in it, or quoted): "my password is wrong" keeps its words.
    (
        Kind.PASSWORD,
        re.compile(
            rf"(?:{_PASSWORD_WORDS})(?:\s*{_FILLER}){{0,3}}?\s*[:：=]\s*([^\s,;，。]{{3,64}})", re.I
        ),
    ),
    (
        Kind.PASSWORD,
        re.compile(
            rf"(?:{_PASSWORD_WORDS})(?:\s*{_FILLER}){{0,3}}?\s*{_COPULA}\s*"
            rf"((?=[^\s,;，。]*[\d!@#$%^&*_+?])[^\s,;，。]{{4,64}}|[\"'“‘][^\"'”’]{{3,64}}[\"'”’])",
            re.I,
        ),
    ),
]

# Long numbers: cards and NIKs -----------------------------------------------------------------

# A run of digits in groups separated by one space or dash, not glued to a word or reference
# ("TRX-4111...", "+62 812...").
_NUMBER_RUN = re.compile(r"(?<![\w+\-/.,])\d+(?:[ -]\d+)*(?![\w\-/])")
# Right before a number, these say it is a reference, not a card: "order no. 4111...".
_REFERENCE_BEFORE = re.compile(
    r"(?:ref(?:erence)?|trx|transaction id|order(?: id| no\.?| number)?|invoice|"
    r"no\.? transaksi|id transaksi|nomor transaksi|virtual account|va|订单号|交易号|流水号)"
    r"\s*[:#]?\s*(?:no\.?\s*)?$",
    re.I,
)
_NIK_BEFORE = re.compile(
    r"(?:nik|ktp|e-ktp|nomor induk(?: kependudukan)?|identity (?:number|card)|id card|"
    r"身份证(?:号码?)?)"
    r"\s*(?:saya|sy|ku|my|no\.?|nomor|number|是|:|：)?\s*[:：]?\s*$",
    re.I,
)
_PROVINCES = {
    11,
    12,
    13,
    14,
    15,
    16,
    17,
    18,
    19,
    21,
    31,
    32,
    33,
    34,
    35,
    36,
    51,
    52,
    53,
    61,
    62,
    63,
    64,
    65,
    71,
    72,
    73,
    74,
    75,
    76,
    81,
    82,
    91,
    92,
    93,
    94,
    95,
    96,
    97,
}


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def looks_like_card(digits: str) -> bool:
    """Luhn-valid with a real brand's prefix and length (phone numbers and IDs rarely are)."""
    n = len(digits)
    if not 13 <= n <= 19 or not luhn_valid(digits):
        return False
    p2, p3, p4 = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":  # Visa
        return n in (13, 16, 19)
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:  # Mastercard
        return n == 16
    if p2 in (34, 37):  # American Express
        return n == 15
    if p2 in (36, 38, 39) or 300 <= p3 <= 305:  # Diners Club
        return 14 <= n <= 19
    if 3528 <= p4 <= 3589:  # JCB
        return 16 <= n <= 19
    # UnionPay (62), Discover, Maestro, GPN (9360) and local debit (60, 50, 56-69): 16+ digits, so
    # an Indonesian mobile number in international form (62 8xx, at most 15 digits) never matches.
    if digits[0] in "56" or digits.startswith("9360"):
        return 16 <= n <= 19
    return False


def looks_like_nik(digits: str) -> bool:
    """A NIK's structure: province, regency and district codes, birth date (day + 40 for women)."""
    if len(digits) != 16:
        return False
    province, regency, district = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    day, month, serial = int(digits[6:8]), int(digits[8:10]), int(digits[12:16])
    return (
        province in _PROVINCES
        and regency > 0
        and district > 0
        and (1 <= day <= 31 or 41 <= day <= 71)
        and 1 <= month <= 12
        and serial > 0
    )


_CARD_GROUPINGS = {(4, 6, 5), (4, 6, 4)}  # Amex and Diners as printed


def _card_spans(groups: list[str]) -> list[tuple[int, int]]:
    """Which consecutive groups of a number run form a card: (first group, last group + 1)."""
    spans = []
    start = 0
    while start < len(groups):
        found = None
        for end in range(len(groups), start, -1):
            part = groups[start:end]
            sizes = tuple(len(g) for g in part)
            grouped_by_four = all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4
            if (len(part) == 1 or grouped_by_four or sizes in _CARD_GROUPINGS) and (
                looks_like_card("".join(part))
            ):
                found = end
                break
        if found:
            spans.append((start, found))
            start = found
        else:
            start += 1
    return spans


def _mask_card(part: str) -> str:
    digits = re.sub(r"\D", "", part)
    kept = digits[-4:]
    if re.search(r"[ -]", part):
        return f"{MASK * 4} {MASK * 4} {MASK * 4} {kept}"
    return MASK * (len(digits) - 4) + kept


def _redact_numbers(text: str, found: Counter) -> str:
    out = []
    last = 0
    for match in _NUMBER_RUN.finditer(text):
        run = match.group(0)
        digits = re.sub(r"\D", "", run)
        if len(digits) < 13:
            continue
        before = text[max(0, match.start() - 40) : match.start()]
        if _REFERENCE_BEFORE.search(before):
            continue
        pieces = re.split(r"([ -])", run)
        groups, separators = pieces[0::2], pieces[1::2]
        spans = _card_spans(groups)
        if spans:
            kept: list[str | None] = list(groups)
            for start, end in spans:
                kept[start] = _mask_card("".join(pieces[2 * start : 2 * end - 1]))
                kept[start + 1 : end] = [None] * (end - start - 1)
                found[Kind.CARD] += 1
            replacement = kept[0]
            for index in range(1, len(kept)):
                if kept[index] is not None:
                    replacement += separators[index - 1] + kept[index]
        elif (
            len(digits) == 16
            and run == digits
            and (_NIK_BEFORE.search(before) or looks_like_nik(digits))
        ):
            replacement = MASK * 12 + digits[-4:]
            found[Kind.NIK] += 1
        else:
            continue
        out.append(text[last : match.start()])
        out.append(replacement)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def redact(text: str) -> Redaction:
    """Redact one piece of customer text."""
    if not text:
        return Redaction(text or "")
    found: Counter = Counter()
    for kind, pattern in _KEYWORD_SECRETS:

        def replace(match: re.Match, kind: str = kind) -> str:
            found[kind] += 1
            value_start, value_end = match.span(1)
            start = match.start()
            return (
                match.group(0)[: value_start - start]
                + REDACTED
                + match.group(0)[value_end - start :]
            )

        text = pattern.sub(replace, text)
    text = _redact_numbers(text, found)
    return Redaction(text, found)


def redact_value(value, found: Counter):
    """Redact every string inside a JSON-like value (the structured fields of a ticket)."""
    if isinstance(value, str):
        result = redact(value)
        found.update(result.found)
        return result.text
    if isinstance(value, dict):
        return {key: redact_value(item, found) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item, found) for item in value]
    return value
