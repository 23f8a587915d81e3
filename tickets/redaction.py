"""Remove the secrets customers paste into tickets, before anything is stored (docs/redaction.md).

What goes:
- card numbers (Luhn-valid, 13-19 digits, in any grouping and with any separators, whatever
  stands around them) keep their last 4 digits: "•••• •••• •••• 1111";
- a 16-digit NIK (Indonesian identity number) keeps its last 4, after an identity keyword (in any
  grouping) or anywhere when it has a NIK's structure;
- OTP, PIN and CVV codes and passwords written up to a few words after their keywords, in
  Indonesian, English or Chinese, become "[redacted]" in the customer's language.
What stays: transaction references, phone numbers, amounts, dates, order and account numbers.

A text is read normalised (NFKC, so full-width digits and letters count; invisible format
characters ignored; digits of any script read as ASCII digits), and every match is mapped back
to the characters the customer typed. Everything here is linear in the length of the text: each
number run and each keyword looks at a bounded window (`make bench-redaction`).

Hand-written on purpose (DESIGN.md section 14): the rules trade recall against false positives in
ways specific to a wallet's customers; tests/tickets/redaction_corpus.py pins them.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext

MASK = "•"
# In logs and wherever no language is active; customers see it in their language (placeholder()).
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


def placeholder(language: str | None = None) -> str:
    """What replaces a code or a password, in this language (default: the active one)."""
    with translation.override(language or translation.get_language()):
        # Translators: replaces a PIN, OTP, CVV or password a customer wrote; keep the brackets.
        return gettext("[redacted]")


# Normalisation ---------------------------------------------------------------------------------

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """The text as the rules read it, and for each of its characters the index of the original
    character it came from (None when they are the same text)."""
    if text.isascii():
        return text, None
    out: list[str] = []
    index: list[int] = []
    last = 0
    for run in _NON_ASCII.finditer(text):
        out.append(text[last : run.start()])
        index.extend(range(last, run.start()))
        for position in range(run.start(), run.end()):
            char = text[position]
            category = unicodedata.category(char)
            if category == "Cf":  # zero-width spaces and joiners, soft hyphens, direction marks
                continue
            if category == "Nd":  # ٤١١١ or ４１１１: a digit is a digit
                normal = str(unicodedata.digit(char))
            else:
                normal = unicodedata.normalize("NFKC", char)
            out.append(normal)
            index.extend([position] * len(normal))
        last = run.end()
    out.append(text[last:])
    index.extend(range(last, len(text)))
    return "".join(out), index


# Long numbers: cards and NIKs ------------------------------------------------------------------

# Digits in groups, separated by spaces, a dash, a dot or a slash (with a space either side at
# most), or a line break: "4111 1111 1111 1111", "4111.1111.1111.1111", "4111 1111\n1111 1111".
_SPACE = r"[ \t\u00a0\u3000]"
_SEPARATOR = rf"(?:{_SPACE}{{0,2}}[-./]{_SPACE}{{0,2}}|{_SPACE}{{1,3}}|{_SPACE}*\r?\n{_SPACE}*)"
_NUMBER_RUN = re.compile(rf"[0-9]+(?:{_SEPARATOR}[0-9]+)*")
_DIGITS = re.compile(r"[0-9]+")
_BREAK = re.compile(r"\n")

MIN_CARD, MAX_CARD = 13, 19
NIK_LENGTH = 16

# Labels that say the number right after them is a reference, an account or a phone, not a card:
# they keep a Luhn-valid number without a card brand's prefix (a brand's card goes whatever label
# stands before it). Matched on the ASCII-lowercased text; a match ends where its number starts.
_LABEL_TAIL = (
    r"(?:[ :：#.]*(?:no|nomor|nomer|number|num|id|saya|sy|ku|my|号码?|是|为)(?![a-z])){0,2}"
    r"[ :：#.=-]*"
)
_REFERENCE_LABEL = re.compile(
    r"(?:ref(?:erence|erensi)?|trx|txn|transaksi|transaction(?: id)?|order(?: id)?|pesanan|"
    r"invoice|inv|tagihan|billing|va|virtual account|rekening|rek|account|acct|a/c|kode bayar|"
    r"kode pembayaran|resi|awb|booking|tiket|ticket|id|hp|handphone|telp|telepon|phone|mobile|"
    r"wa|whatsapp|imei|bca|bri|bni|mandiri|cimb|permata|bsi|btn|danamon|ocbc|jago|seabank)"
    r"(?![a-z])"
    r"|订单|交易|流水|账号|账户|帐号|单号|手机|电话"
)
_NIK_LABEL = re.compile(
    r"(?:nik|e-?ktp|ktp|nomor induk(?: kependudukan)?|no\.? induk|identity (?:number|card)|"
    r"id card|national id)(?![a-z])|身份证"
)
_LABEL_REST = re.compile(_LABEL_TAIL)
# A number glued to a code on its left ("TRX-", "INV/2026/", "A1-", "TRX") or its right
# ("...-XYZ", "...AB"), looked for in the two characters before it and from its end. Lower-case
# letters are words, not codes: "kartu4111...", "...1111nya".
_CODE_BEFORE = re.compile(r"(?:[A-Za-z0-9][-/_#]|[A-Z])$")
_CODE_AFTER = re.compile(r"[-/_][A-Za-z0-9]|[A-Z]")


def _label_ends(pattern: re.Pattern, folded: str) -> set[int]:
    """Where the numbers labelled by `pattern` would start."""
    ends = set()
    for label in pattern.finditer(folded):
        start = label.start()
        if start and "a" <= folded[start - 1] <= "z" and label.group()[0].isascii():
            continue  # inside a longer word: "kartu" is not "va", "skin" not "nik"
        ends.add(_LABEL_REST.match(folded, label.end()).end())
    return ends


_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64}
    | {65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97}
)


_DOUBLED = {str(n): (n * 2 - 9 if n > 4 else n * 2) for n in range(10)}


def luhn_valid(digits: str) -> bool:
    odd = sum(map(int, digits[-1::-2]))
    even = sum(_DOUBLED[char] for char in digits[-2::-2])
    return (odd + even) % 10 == 0


def looks_like_card(digits: str) -> bool:
    """Luhn-valid with a card brand's prefix and length: a card whatever stands before it."""
    return MIN_CARD <= len(digits) <= MAX_CARD and luhn_valid(digits) and is_card_brand(digits)


def is_card_brand(digits: str) -> bool:
    """A card brand's prefix and length (the Luhn check is the caller's)."""
    n = len(digits)
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


def looks_like_phone(digits: str, before: str) -> bool:
    """An Indonesian phone number: +62..., 08... (10-13 digits) or 628... (11-15 digits)."""
    if before.rstrip().endswith("+"):
        return True
    if digits.startswith("08"):
        return len(digits) <= 13
    return digits.startswith("628") and len(digits) <= 15


def looks_like_nik(digits: str) -> bool:
    """A NIK's structure: province, regency and district codes, birth date (day + 40 for women)."""
    if len(digits) != NIK_LENGTH:
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


def _card_grouping(sizes: list[int], *, whole: bool = True) -> bool:
    """How people write a card: one block, groups of four (the last shorter), Amex's 4-6-5 and
    Diners' 4-6-4, or, as a whole number, one digit at a time."""
    if len(sizes) == 1:
        return True
    if all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4:
        return True
    return tuple(sizes) in ((4, 6, 5), (4, 6, 4)) or (whole and all(size == 1 for size in sizes))


@dataclass(frozen=True)
class _Found:
    start: int  # in the normalised text
    end: int
    kind: str
    digits: str = ""  # a masked number's digits; empty for a code replaced by the placeholder


def _groups(text: str, start: int, end: int, *, join_breaks: bool) -> list[tuple[int, int, str]]:
    """The digit groups of a number run as (start, end, digits); with join_breaks, groups split
    only by a line break count as one ("4111 1111 11\n11 1111")."""
    groups = [(m.start(), m.end(), m.group()) for m in _DIGITS.finditer(text, start, end)]
    if not join_breaks:
        return groups
    joined: list[tuple[int, int, list[str]]] = [(groups[0][0], groups[0][1], [groups[0][2]])]
    for group_start, group_end, digits in groups[1:]:
        last_start, last_end, parts = joined[-1]
        if _BREAK.search(text, last_end, group_start):
            parts.append(digits)
            joined[-1] = (last_start, group_end, parts)
        else:
            joined.append((group_start, group_end, [digits]))
    return [(start, end, "".join(parts)) for start, end, parts in joined]


@dataclass(frozen=True)
class _Labels:
    """Where labelled numbers start: after a reference or phone label, after a NIK label."""

    reference: set[int]
    nik: set[int]
    # The whole text is a reference (a form's transaction reference field).
    all_references: bool = False

    @classmethod
    def of(cls, folded: str, *, reference: bool = False) -> "_Labels":
        return cls(
            _label_ends(_REFERENCE_LABEL, folded), _label_ends(_NIK_LABEL, folded), reference
        )


def _classify(text: str, start: int, end: int, digits: str, labels: _Labels) -> str | None:
    """Is this number (start:end of the text) a card, a NIK, or neither?"""
    n = len(digits)
    if n == NIK_LENGTH and start in labels.nik:
        return Kind.NIK
    luhn = luhn_valid(digits)
    if luhn and is_card_brand(digits):
        return Kind.CARD
    if n == NIK_LENGTH and looks_like_nik(digits) and not labels.all_references:
        return Kind.NIK
    if (
        luhn
        and not labels.all_references
        and start not in labels.reference
        and not looks_like_phone(digits, text[max(0, start - 2) : start])
        and not _CODE_BEFORE.search(text, max(0, start - 2), start)
        and not _CODE_AFTER.match(text, end)
    ):
        return Kind.CARD
    return None


def _numbers_in_run(text: str, groups: list[tuple[int, int, str]], labels: _Labels) -> list[_Found]:
    """Cards and NIKs among consecutive groups of one run, longest first from each start."""
    found = []
    sizes = [len(digits) for _, _, digits in groups]
    i = 0
    while i < len(groups):
        if sizes[i] != 4 and sizes[i] < MIN_CARD and not (i == 0 and groups[0][0] in labels.nik):
            i += 1  # a card inside a longer run starts with a group of four, or is one block
            continue
        ends = []
        total, j = 0, i
        while j < len(groups) and total + sizes[j] <= MAX_CARD:
            total += sizes[j]
            j += 1
            if total >= MIN_CARD:
                ends.append((j, total))
        match = None
        for j, total in reversed(ends):
            start, end = groups[i][0], groups[j - 1][1]
            if not _card_grouping(sizes[i:j], whole=False) and not (
                total == NIK_LENGTH and start in labels.nik
            ):
                continue
            digits = "".join(group[2] for group in groups[i:j])
            kind = _classify(text, start, end, digits, labels)
            if kind:
                match = _Found(start, end, kind, digits)
                break
        if match:
            found.append(match)
            i = j
        else:
            i += 1
    return found


def _long_numbers(text: str, folded: str, *, reference: bool) -> list[_Found]:
    found: list[_Found] = []
    labels = None
    for run in _NUMBER_RUN.finditer(text):
        start, end = run.span()
        if end - start < MIN_CARD:
            continue
        plain = _groups(text, start, end, join_breaks=False)
        total = sum(len(digits) for _, _, digits in plain)
        if total < MIN_CARD:
            continue
        labels = labels or _Labels.of(folded, reference=reference)
        joined = _groups(text, start, end, join_breaks=True) if "\n" in run.group() else plain
        if total <= MAX_CARD and (
            _card_grouping([len(d) for _, _, d in plain])
            or _card_grouping([len(d) for _, _, d in joined])
        ):
            # Written as one number ("0000 0000 0000 0000 1"): it is a card or it is not; a
            # Luhn-valid part of it is no card ("4111 1111 1111 1111 2" is a 17-digit number).
            digits = "".join(d for _, _, d in plain)
            kind = _classify(text, start, end, digits, labels)
            if kind:
                found.append(_Found(start, end, kind, digits))
            continue
        found += _numbers_in_run(text, plain, labels)
        if joined is not plain:
            found += _numbers_in_run(text, joined, labels)
    return found


def _mask(original: str, digits: str) -> str:
    kept = digits[-4:]
    if re.search(r"[^0-9]", original):
        return f"{MASK * 4} {MASK * 4} {MASK * 4} {kept}"
    return MASK * (len(digits) - 4) + kept


# Secrets written after a keyword ---------------------------------------------------------------


def _split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression."""
    parts, depth, current = [], 0, ""
    for char in pattern:
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    return [*parts, current]


# Keywords, matched on the ASCII-lowercased text; each alternative starts with a literal, so the
# scan skips ahead cheaply. Latin keywords may carry a suffix ("otpnya", "pinku", "cvv-nya") and
# must not sit inside a longer word ("pinjam", "spin").
_SUFFIX = r"(?:-?nya|ku|mu|lah|atm)?(?![a-z])"
_KEYWORDS = {
    # One-time codes first: "动态密码" is a code, "密码" a password.
    Kind.OTP: (
        r"otp|one[- ]?time[- ]?(?:password|passcode|code|pin)|kode verif(?:ikasi)?(?: code)?|"
        r"verif(?:ikasi|ication)?(?: code)?|kode sms|sms code|kode aktivasi|activation code|"
        r"auth(?:entication|enticator)? code|kode 2fa|2fa(?: code)?|kode otentikasi|"
        r"kode autentikasi|m-token|mtoken",
        r"验证码|動態碼|动态码|动态密码|校验码|短信码|一次性密码|授权码",
    ),
    Kind.CVV: (
        r"cvv2|cvv|cvc2|cvc|cvn2|cvn|csc|cid|security code|kode keamanan|"
        r"card verification (?:value|code)",
        r"安全码|卡背面|背面三位数?",
    ),
    Kind.PIN: (r"pin ?码|mpin|m-pin|pin", ""),
    Kind.PASSWORD: (
        r"pass ?word|passwd|passcode|pwd|pw|kata ?sandi|sandi|pass(?= *[:=])",
        r"登录密码|支付密码|交易密码|密码|口令",
    ),
}
_KIND_OF_KEYWORD = {
    kind: re.compile(rf"(?:{latin}){_SUFFIX}" + (f"|{cjk}" if cjk else ""))
    for kind, (latin, cjk) in _KEYWORDS.items()
}
_KEYWORD = re.compile(
    "|".join(
        f"{alternative}{_SUFFIX}" if alternative.isascii() else alternative
        for latin, cjk in _KEYWORDS.values()
        for part in (latin, cjk)
        if part
        for alternative in _split_alternatives(part)
    )
)
_CODE_LENGTHS = {Kind.OTP: (4, 8), Kind.PIN: (4, 8), Kind.CVV: (3, 4)}
# How far after its keyword a secret may stand: words, tokens of any kind, characters.
MAX_WORDS = 6
MAX_TOKENS = 14
WINDOW = 96

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(
    rf"""
    (?P<end>[.!?。！？;；](?=\s|$)|[。！？；]|\n{_SPACE}*\n)
    |(?P<sep>[:：=＝]|->)
    |(?P<quote>["“「『][^"”」』\n]{{3,64}}["”」』]|'[^'\n]{{3,64}}'(?![A-Za-z]))
    |(?P<num>[0-9]+(?:[ \t-][0-9]+)*(?!(?!nya|ku)[A-Za-z0-9]|[./:,][0-9]))
    |(?P<cjk>[{_CJK}]+)
    |(?P<word>[^\s{_CJK},;，；、。！？!?()（）\[\]{{}}<>"“”「」『』]+)
    |(?P<punct>\S)
    """,
    re.X,
)
# Words that say what the next number is (not a secret), and end a keyword's window.
_STOP_WORDS = frozenset(
    [
        "transaksi",
        "transaction",
        "trx",
        "txn",
        "ref",
        "referensi",
        "reference",
        "order",
        "pesanan",
        "invoice",
        "inv",
        "tagihan",
        "saldo",
        "balance",
        "amount",
        "jumlah",
        "nominal",
        "total",
        "harga",
        "price",
        "biaya",
        "fee",
        "rp",
        "idr",
        "usd",
        "sgd",
        "rmb",
        "tanggal",
        "tgl",
        "date",
        "jam",
        "pukul",
        "time",
        "since",
        "sejak",
        "tahun",
        "year",
        "years",
        "versi",
        "version",
        "ver",
        "android",
        "ios",
        "rekening",
        "rek",
        "va",
        "tiket",
        "ticket",
        "id",
        "userid",
        "uid",
        "resi",
        "awb",
        "imei",
        "error",
        "eror",
        "err",
        "pad",
    ]
)
_CJK_STOPS = re.compile(r"订单|交易|流水|金额|余额|元|块|日期|时间|年|月|号|账|版本")
# A number followed by these counts something: "3 kali", "6 digit", "2 days", "3次", "5分钟".
_UNITS = re.compile(
    r"\s*(?:(?:kali|x|times?|digits?|angka|karakter|characters?|chars?|hari|days?|jam|hours?|"
    r"menit|minutes?|mins?|detik|seconds?|secs?|bulan|months?|tahun|years?|rb|ribu|k|jt|juta|"
    r"rupiah|persen|percent)(?![a-z])|%|次|位|天|小时|分钟|分|秒|元|块|年|月|日|号|个|遍|岁)",
    re.I,
)
# Words that follow "password:" and are not one: "password: lupa", "kata sandi: salah".
_NOT_PASSWORDS = frozenset(
    [
        "lupa",
        "salah",
        "wrong",
        "forgot",
        "forgotten",
        "expired",
        "reset",
        "tidak",
        "ga",
        "gak",
        "nggak",
        "enggak",
        "belum",
        "blm",
        "sudah",
        "udah",
        "udh",
        "locked",
        "lock",
        "terkunci",
        "blocked",
        "blokir",
        "diblokir",
        "error",
        "invalid",
        "incorrect",
        "berubah",
        "changed",
        "hilang",
        "lost",
        "diganti",
        "ganti",
        "changed",
        "tidak_bisa",
        "benar",
        "correct",
        "ok",
        "oke",
    ]
)
# Shapes a password never has: a date or time, an amount, a version, an email, a URL, a phone, a
# year, a reference code ("TRX-20261121-8F3K2Q", "GP-7K3M9Q").
_NOT_A_PASSWORD_SHAPE = re.compile(
    r"""(?ix)
    \d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}
    |\d{1,2}[:.]\d{2}(?::\d{2})?
    |(?:rp|idr|usd|\$)\.?\s*[\d.,]+
    |[\d.,]+(?:rb|k|jt|ribu|juta)
    |\d{1,3}(?:[.,]\d{3})+
    |v?\d+(?:\.\d+)+
    |[^@\s]+@[^@\s]+\.[a-z]{2,}
    |(?:https?://|www\.)\S+
    |\+?\d{9,}
    |(?:19|20)\d{2}
    |(?-i:[A-Z][A-Z0-9]{1,5}(?:-[A-Z0-9]+)+)
    """
)
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4}")
# Indonesian writes a doubled word with a 2: "masuk2" (masuk-masuk), "terus2an". Without a colon
# after the keyword, that is not a password ("password ga masuk2"); after one, it may be.
_REDUPLICATED = re.compile(r"[a-z]+2(?:an|nya|lah)?")
_PASSWORD_LIKE = re.compile(r"[0-9!@#$%^&*_+=?~\\|<>]")


def _code_value(token: re.Match, kind: str, text: str) -> tuple[int, int] | None:
    """The part of a number token that is a code of this kind, if it is one."""
    low, high = _CODE_LENGTHS[kind]
    if _DATE.fullmatch(token.group()):
        return None
    groups = [(m.start(), m.end()) for m in _DIGITS.finditer(text, *token.span("num"))]
    sizes = [b - a for a, b in groups]
    if low <= sizes[0] <= high:
        # A card's grouping is not a code: "PIN kartu 4111 1111 1111 1111" is a card.
        if len(sizes) >= 3 and all(size == 4 for size in sizes[:3]):
            return None
        value = groups[0]
    elif sizes[0] <= 3:
        # Written in small groups or one digit at a time: "4 8 2 9 1 3", "551 902", "12-34-56".
        total = last = 0
        for count, size in enumerate(sizes):
            if size > 3 or total + size > high:
                break
            total, last = total + size, count
        if not low <= total <= high:
            return None
        value = (groups[0][0], groups[last][1])
    else:
        return None
    return None if _UNITS.match(text, value[1]) else value


def _password_value(token: re.Match, text: str, *, after_separator: bool) -> tuple[int, int] | None:
    kind = token.lastgroup
    start, end = token.span(kind)
    if kind == "quote":
        return start + 1, end - 1
    value = text[start:end]
    if kind == "num":
        if _UNITS.match(text, end):
            return None
        digits = value.replace(" ", "").replace("-", "")
        enough = len(digits) >= (2 if after_separator else 4)
        return (start, end) if enough and not _NOT_A_PASSWORD_SHAPE.fullmatch(value) else None
    if kind != "word" or len(value) > 64:
        return None
    value = value.rstrip(".")
    end = start + len(value)
    if _NOT_A_PASSWORD_SHAPE.fullmatch(value):
        return None
    if after_separator:
        plain = value.lower()
        ok = len(value) >= 2 and not (plain.isalpha() and plain in _NOT_PASSWORDS)
        return (start, end) if ok else None
    if _REDUPLICATED.fullmatch(value):
        return None
    return (start, end) if len(value) >= 4 and _PASSWORD_LIKE.search(value) else None


def _secret_after(text: str, keyword: re.Match, kind: str) -> _Found | None:
    """The secret a keyword introduces, up to MAX_WORDS ordinary words later."""
    limit = min(len(text), keyword.end() + WINDOW)
    words = tokens = 0
    after_separator = False
    position = keyword.end()
    while tokens < MAX_TOKENS and words <= MAX_WORDS:
        token = _TOKEN.search(text, position, limit)
        if token is None:
            return None
        position = token.end()
        tokens += 1
        group = token.lastgroup
        piece = token.group()
        if group == "end":
            return None
        if group == "sep":
            after_separator = True
            continue
        if group == "punct":
            continue
        if kind == Kind.PASSWORD and group in ("quote", "num", "word"):
            value = _password_value(token, text, after_separator=after_separator)
            if value:
                return _Found(*value, kind)
            if after_separator and group != "word":
                return None
        if group == "num":
            if piece.isdigit() and _UNITS.match(text, token.end()):  # "8 digit", "3 kali", "5分钟"
                words += 1
                after_separator = False
                continue
            if kind == Kind.PASSWORD:
                return None
            value = _code_value(token, kind, text)
            return _Found(*value, kind) if value else None
        if group == "cjk":
            if _CJK_STOPS.search(piece) or _KEYWORD.search(piece.lower()):
                return None
            words += len(piece) // 2 + 1
        elif group == "word":
            plain = piece.lower().rstrip(".")
            if (
                plain in _STOP_WORDS
                or _KEYWORD.fullmatch(plain)
                or re.search(r"[0-9]", plain)
                or (kind == Kind.PASSWORD and after_separator)
            ):
                return None
            words += 1
        else:  # a quote where a code was expected
            words += 1
        after_separator = False
    return None


def _keyword_secrets(text: str, folded: str) -> list[_Found]:
    found = []
    for keyword in _KEYWORD.finditer(folded):
        start = keyword.start()
        if start and "a" <= folded[start - 1] <= "z" and keyword.group()[0].isascii():
            continue  # inside a longer word: "spin", "shopping"
        kind = next(k for k, pattern in _KIND_OF_KEYWORD.items() if pattern.match(folded, start))
        secret = _secret_after(text, keyword, kind)
        if secret:
            found.append(secret)
    return found


def _ascii_lower(text: str) -> str:
    """The text with A-Z lowercased and every other character kept, so positions stay the same
    (str.lower() may lengthen a text: "İ" becomes two characters)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


# Putting it together ---------------------------------------------------------------------------


def redact(text: str, *, replacement: str | None = None, reference: bool = False) -> Redaction:
    """Redact one piece of customer text. `replacement` replaces codes and passwords (default:
    "[redacted]" in the active language). A `reference` is a field that holds references only
    (a transaction reference): there a card brand's number is still a card, but any other
    Luhn-valid number is the reference it says it is."""
    if not text:
        return Redaction(text or "")
    normal, index = _normalise(text)
    folded = _ascii_lower(normal)
    spans = sorted(
        _long_numbers(normal, folded, reference=reference) + _keyword_secrets(normal, folded),
        key=lambda f: (f.start, -f.end),
    )
    if not spans:
        return Redaction(text)
    replacement = placeholder() if replacement is None else replacement
    found: Counter = Counter()
    out = []
    last = 0  # in the original text
    covered = 0  # in the normalised text
    for secret in spans:
        if secret.start < covered:  # inside a secret already removed
            continue
        covered = secret.end
        start = index[secret.start] if index else secret.start
        end = index[secret.end - 1] + 1 if index else secret.end
        out.append(text[last:start])
        if secret.digits:
            out.append(_mask(normal[secret.start : secret.end], secret.digits))
        else:
            out.append(replacement)
        last = end
        found[secret.kind] += 1
    out.append(text[last:])
    return Redaction("".join(out), found)


# Structured fields that hold references, not free text (tickets/forms.py).
REFERENCE_FIELDS = frozenset(
    {"transaction_reference", "transaction_references", "earlier_reference"}
)


def redact_value(value, found: Counter, *, replacement: str | None = None, key: str = ""):
    """Redact every string inside a JSON-like value (the structured fields of a ticket)."""
    if isinstance(value, str):
        result = redact(value, replacement=replacement, reference=key in REFERENCE_FIELDS)
        found.update(result.found)
        return result.text
    if isinstance(value, dict):
        return {
            name: redact_value(item, found, replacement=replacement, key=name)
            for name, item in value.items()
        }
    if isinstance(value, list):
        return [redact_value(item, found, replacement=replacement, key=key) for item in value]
    return value
