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

Hand-written on purpose (docs/design.md section 14): the rules trade recall against false
positives in ways specific to a wallet's customers; tests/tickets/redaction_corpus.py pins them.
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
            if category in ("Cf", "Mn", "Me"):
                # Zero-width spaces and joiners, soft hyphens, direction marks, variation
                # selectors and combining marks (a keycap emoji 4️⃣ is "4" and two of these).
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

# Digits in groups, separated by spaces (up to six), a dash of any kind, a dot, a slash, an
# underscore or a middle dot (with spaces either side), a comma right between digits, or a line
# break: "4111 1111 1111 1111", "4111.1111.1111.1111", "4111 – 1111", "4111 1111\n1111 1111".
_SPACE = r"[ \t\u00a0\u3000]"
_DASHES = "-./_\u00b7\u2010-\u2015\u2212\u30fb\uff65"
_SEPARATOR = (
    rf"(?:{_SPACE}{{0,2}}[{_DASHES}]{_SPACE}{{0,2}}|,(?=[0-9])|{_SPACE}{{1,6}}"
    rf"|{_SPACE}*\r?\n{_SPACE}*)"
)
_NUMBER_RUN = re.compile(rf"[0-9]+(?:{_SEPARATOR}[0-9]+)*")
_DIGITS = re.compile(r"[0-9]+")
_BREAK = re.compile(r"\n")

MIN_CARD, MAX_CARD = 13, 19
NIK_LENGTH = 16

# Labels that say the number right after them is a reference, an account, a phone or a year,
# not a card: they keep a Luhn-valid number without a card brand's prefix (a brand's card goes
# whatever label stands before it). Matched on the ASCII-lowercased text; a match ends where its
# number starts.
_LABEL_TAIL = (
    r"(?:[ :：#.]*(?:no|nomor|nomer|number|num|id|saya|sy|ku|my|nya|adalah|ialah|yaitu|is|"
    r"号码?|是|为)(?![a-z])){0,2}[ :：#.=-]*"
)
_REFERENCE_LABEL = re.compile(
    r"(?:ref(?:erence|erensi)?|trx|txn|transaksi|transaction(?: id)?|order(?: id)?|pesanan|"
    r"invoice|inv|tagihan|billing|pembayaran|kode bayar|kode pembayaran|kode|va|briva|"
    r"virtual account|rekening|rek|"
    r"account|acct|a/c|resi|awb|booking|tiket|ticket|id|hp|handphone|telp|telepon|phone|mobile|"
    r"wa|whatsapp|imei|timestamp|ts|tahun|thn|year|ke|bca|bri|bni|mandiri|cimb|permata|bsi|btn|"
    r"danamon|ocbc|jago|seabank)(?:-?nya)?(?![a-z])"
    r"|订单|交易|流水|账号|账户|帐号|单号|手机|电话"
)
_NIK_LABEL = re.compile(
    r"(?:nik|e-?ktp|ktp|nomor induk(?: kependudukan)?|no\.? induk|identity (?:number|card)|"
    r"id card|national id)(?:-?nya)?(?![a-z])|身份证"
)
_LABEL_REST = re.compile(_LABEL_TAIL)
# A number glued to a code on its left ("TRX-", "INV/2026/", "A1-", "TRX") or its right
# ("...-XYZ", "...AB"), looked for in the two characters before it and from its end. Lower-case
# letters are words, not codes: "kartu4111...", "...1111nya".
_CODE_BEFORE = re.compile(r"(?:[A-Za-z0-9][-/_#]|[A-Z])$")
_CODE_AFTER = re.compile(r"[-/_][A-Za-z0-9]|[A-Z]")
_YEAR = re.compile(r"(?:19|20)\d\d")


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
    """Luhn-valid with a card brand's prefix and length: a card whatever stands around it."""
    return MIN_CARD <= len(digits) <= MAX_CARD and luhn_valid(digits) and is_card_brand(digits)


def is_card_brand(digits: str) -> bool:
    """The prefix and length of a brand whose cards Indonesian wallets take (the Luhn check is
    the caller's). Mastercard's 2-series (2221-2720) is left out on purpose: it is where every
    identifier starting with a date of 2022-2027 falls ("2611211234567808", an order of
    2026-11-21); such a number is still a card unless a label says what it is."""
    n = len(digits)
    p2, p3, p4 = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":  # Visa
        return n in (13, 16, 19)
    if 51 <= p2 <= 55:  # Mastercard
        return n == 16
    if p2 in (34, 37):  # American Express
        return n == 15
    if p2 == 36 or 300 <= p3 <= 305:  # Diners Club
        return n == 14
    if p2 in (38, 39):
        return n == 16
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


Group = tuple[int, int, str]  # start, end, digits


def _groups(text: str, start: int, end: int, *, join_breaks: bool) -> list[Group]:
    """The digit groups of a number run; with join_breaks, groups split only by a line break
    count as one ("4111 1111 11\n11 1111")."""
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


def _written_as_one_number(
    text: str, groups: list[Group], labels: _Labels, *, card_shaped: bool
) -> _Found | None:
    """A run of 13-19 digits: a card, a NIK, or neither.

    A brand's card goes whatever its grouping and whatever stands around it; a NIK by its label,
    or by its structure unless labelled as a reference. Any other Luhn-valid number is a card
    when written as one (one block, in fours, on one line or several), not labelled, not a
    phone, not glued to a code and not a list of years."""
    start, end = groups[0][0], groups[-1][1]
    digits = "".join(group[2] for group in groups)
    n = len(digits)
    if n == NIK_LENGTH and start in labels.nik:
        return _Found(start, end, Kind.NIK, digits)
    luhn = luhn_valid(digits)
    if luhn and is_card_brand(digits):
        return _Found(start, end, Kind.CARD, digits)
    referenced = labels.all_references or start in labels.reference
    if n == NIK_LENGTH and not referenced and looks_like_nik(digits):
        return _Found(start, end, Kind.NIK, digits)
    if (
        luhn
        and card_shaped
        and not referenced
        and not looks_like_phone(digits, text[max(0, start - 2) : start])
        and not _CODE_BEFORE.search(text, max(0, start - 2), start)
        and not _CODE_AFTER.match(text, end)
        and not (len(groups) > 1 and all(_YEAR.fullmatch(group[2]) for group in groups))
    ):
        return _Found(start, end, Kind.CARD, digits)
    return None


def _cards_among(groups: list[Group]) -> list[_Found]:
    """A brand's cards among the groups of a longer run ("4111 1111 1111 1111 123" with its CVV,
    "0812 3456 7890 4111 1111 1111 1111" after a phone), longest first from each start."""
    found = []
    sizes = [len(digits) for _, _, digits in groups]
    i = 0
    while i < len(groups):
        if sizes[i] != 4 and not MIN_CARD <= sizes[i] <= MAX_CARD:
            i += 1  # a card inside a longer run starts with a group of four, or is one block
            continue
        match = None
        total, j, ends = 0, i, []
        while j < len(groups) and total + sizes[j] <= MAX_CARD:
            total += sizes[j]
            j += 1
            if total >= MIN_CARD:
                ends.append(j)
        for j in reversed(ends):
            if _card_grouping(sizes[i:j], whole=False):
                digits = "".join(group[2] for group in groups[i:j])
                if looks_like_card(digits):
                    match = _Found(groups[i][0], groups[j - 1][1], Kind.CARD, digits)
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
        breaks = run.group().count("\n")
        joined = _groups(text, start, end, join_breaks=True) if breaks else plain
        if total <= MAX_CARD:
            one = _written_as_one_number(
                text,
                plain,
                labels,
                card_shaped=_card_grouping([len(d) for _, _, d in plain])
                or _card_grouping([len(d) for _, _, d in joined]),
            )
            if one:
                found.append(one)
                continue
        found += _cards_among(plain)
        if joined is not plain:
            found += _cards_among(joined)
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
# scan skips ahead cheaply. Latin keywords may carry a suffix ("otpnya", "pinku", "cvv-nya",
# "pinATM") and must not sit inside a longer word ("pinjam", "spin"). Misspellings customers
# really type are keywords too ("pasword", "0tp").
_SUFFIX = r"(?:-?nya+|ku|mu|lah|atm)?(?![a-z])"
_KEYWORDS = {
    # One-time codes first: "动态密码" is a code, "密码" a password.
    Kind.OTP: (
        r"otp|0tp|one[- ]?time[- ]?(?:password|passcode|code|pin)|kode verif(?:ikasi)?(?: code)?|"
        r"verif(?:ikasi|ication)?(?: code)?|kode (?:dari |via |lewat )?sms|sms code|"
        r"kode aktivasi|activation code|authenticator code|authentication code|kode 2fa|"
        r"2fa(?: code)?|kode otentikasi|kode autentikasi|kode rahasia|m-token|mtoken|"
        r"token(?= *[:=])",
        r"验证码|驗證碼|動態碼|动态码|动态密码|動態密碼|校验码|短信码|一次性密码|授权码",
    ),
    Kind.CVV: (
        r"cvv2|cvv|ccv|cvc2|cvc|cvn2|cvn|security code|kode keamanan|"
        r"card verification (?:value|code)|kode di belakang kartu|angka di belakang kartu|"
        r"digit di belakang kartu|nomor di belakang kartu",
        r"安全码|安全碼|卡背面|背面三位数?",
    ),
    Kind.PIN: (r"pin ?码|mpin|m-pin|pin", ""),
    Kind.PASSWORD: (
        r"pass ?word|passwd|passwrd|pasword|paswd|passcode|pwd|pswd|psswd|pw|kata ?sandi|sandi|"
        r"kata kunci(?= *[:=])|pass(?= *(?:[:=]|saya|sy|ku|nya))",
        r"登录密码|登錄密碼|支付密码|支付密碼|交易密码|交易密碼|密码|密碼|口令",
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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# How far after its keyword a secret may stand: words, tokens of any kind, characters.
MAX_WORDS = 6
MAX_TOKENS = 16
WINDOW = 96
# More codes after the first, joined by "dan", "or", commas: "OTP 482913, 551234".
MAX_MORE_CODES = 3

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_QUOTES = "\"'“”‘’「」『』"
_TOKEN = re.compile(
    rf"""
    (?P<end>[.!?。！？;；]+(?=\s|$)|[。！？；]|\n{_SPACE}*\n)
    |(?P<sep>[:：=＝]|->)
    |(?P<quote>["“「『][^"”」』\n]{{1,64}}["”」』]|'[^'\n]{{1,64}}'(?![A-Za-z]))
    |(?P<wrap>[*~`]+|_(?=[0-9]))
    |(?P<num>[0-9](?:\.[0-9]){{3,7}}(?![0-9.])
      |[0-9]+(?:(?:[ \t-]|\r?\n)[0-9]+)*
       (?!(?!nya|ku|dan|atau|ya|yg|and|or)[A-Za-z0-9]|[./:,][0-9]))
    |(?P<cjk>[{_CJK}]+)
    |(?P<word>(?:[^\s{_CJK}.,;，；、。！？!?()（）\[\]{{}}<>{_QUOTES}*~`]|\.(?=[^\s.]))+)
    |(?P<punct>\S)
    """,
    re.X,
)
# Words that say what the next number is (not a secret), and end a keyword's window.
_STOP_WORDS = _words(
    """
    transaksi transaction trx txn ref referensi reference order pesanan invoice inv tagihan
    saldo balance amount jumlah nominal total harga price biaya fee rp idr usd sgd rmb uang duit
    kepotong terpotong potong dipotong charge bayar dibayar debit didebit transfer tf refund
    cashback topup promo voucher merchant toko store shop indomaret alfamart
    tanggal tgl date time since sejak tahun thn year years bulan month
    januari februari maret april mei juni juli agustus september oktober november desember
    january february march june july august october december jan feb mar apr jun jul aug agu
    sep okt oct nov des dec
    versi version ver android ios iphone ipad rekening rek va tiket ticket id userid uid resi awb
    imei error eror err pad hp handphone ponsel telp telepon phone email lokasi location map maps
    """
)
# Words that may stand between a keyword and its secret without counting towards MAX_WORDS.
_FILLER = _words("nya saya sy aku ku my the is was adalah itu ini yang yg nih ya kak")
# Before a number, these say it is a place or an address, not a code: "dikirim dari 1500-808".
_PLACE_WORDS = _words("dari ke from to via di at")
# Before a year-like number, these say it is a year: "sejak 2024", "Desember 2024".
_YEAR_WORDS = _STOP_WORDS | _words("dari in pada")
_CJK_STOPS = re.compile(r"订单|交易|流水|金额|余额|元|块|日期|时间|年|月|号|账|版本|手机|电话")
# A number followed by these counts something: "3 kali", "6 digit", "2 days", "3次", "5分钟".
_UNITS = re.compile(
    r"[ \t]{0,3}(?:(?:kali|x|times?|digits?|angka|karakter|characters?|chars?|hari|days?|jam|"
    r"hours?|menit|minutes?|mins?|detik|seconds?|secs?|bulan|months?|tahun|years?|rb|ribu|k|jt|"
    r"juta|rupiah|persen|percent)(?![a-z])|%|次|位|天|小时|分钟|分|秒|元|块|年|月|日|号|个|遍|岁)",
    re.I,
)
# "jam 10", "pukul 10.02": a time, passed over on the way to a code.
_TIME_WORDS = _words("jam pukul at")
_TIME = re.compile(r"\d{1,2}(?:[.:]\d{2})?")
# A word with a digit that counts something, between a keyword and its code: "2x", "ke-2".
_COUNT_WORD = re.compile(r"(?:ke-?)?\d{1,2}(?:x|kali|digit|digits|angka)?", re.I)
# Words that follow "password:" and are not one: "password: lupa", "kata sandi: salah".
_NOT_PASSWORDS = _words(
    """
    lupa salah wrong forgot forgotten expired reset tidak ga gak nggak enggak belum blm sudah
    udah udh locked lock terkunci blocked blokir diblokir error invalid incorrect berubah changed
    hilang lost diganti ganti benar correct ok oke
    """
)
# Shapes a password never has when no colon says it is one: a date or time, an amount, a
# version, an email, a URL, a phone, a year, a reference code ("TRX-20261121-8F3K2Q"), a device.
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
    |\+?(?:0|62)\d(?:[\d\s-]*\d){7,}
    |(?:19|20)\d{2}
    |(?-i:[A-Z][A-Z0-9]{1,5}(?:-[A-Z0-9]+)+)
    |(?:android|ios|iphone|ipad|windows|samsung|redmi|oppo|vivo|xiaomi|realme)[\d.]*
    """
)
_DATE_PARTS = re.compile(r"(\d{1,4})([-/ ])(\d{1,2})\2(\d{1,4})")


def _is_date(written: str) -> bool:
    """2026-11-21, 21-11-2026, 21/11/26, "21 11 2026" (with spaces only with a 4-digit year),
    with a real day and month: "12 34 56" is a code in pairs."""
    match = _DATE_PARTS.fullmatch(written)
    if match is None:
        return False
    first, separator, month, last = match.groups()
    day, year = (last, first) if len(first) == 4 else (first, last)
    if separator == " " and len(year) != 4:
        return False
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12 and len(year) in (2, 4)


# Indonesian writes a doubled word with a 2: "masuk2" (masuk-masuk), "sayang2". Without a colon
# or a copula after the keyword that is no password ("password ga masuk2"); with one it may be.
_REDUPLICATED = re.compile(r"[a-z]+2(?:an|nya|lah)?")
_COPULAS = _words("is adalah ialah yaitu = 是 为 為")
_PASSWORD_LIKE = re.compile(r"[0-9!@#$%^&*_+=?~\\|<>]")
# After "password:", the value runs to the next space; trailing sentence punctuation is not it.
_PASSWORD_RUN = re.compile(rf"[^\s，。；、！？{_CJK}]{{1,64}}")
_SENTENCE_END = ".,;:!?)]"
# Words that introduce a person named Sandi: "Saya Sandi", "Pak Sandi".
_NAME_BEFORE = re.compile(
    r"(?:saya|nama|namaku|nama saya|dengan|pak|bu|bapak|ibu|mas|mbak|kak|sdr|sdri|halo|hai|hi|"
    r"dear)[ ,]+$"
)
# A code written before its keyword, as a forwarded SMS says it: "482913 adalah kode verifikasi",
# "<#> 482913 is your Dompet OTP", "482913 is Dompet OTP", "【钱包】482913（动态码）". The sender's
# name (a wallet's or a bank's: any one word, never a company's name written here) may stand just
# before the keyword; a negation may not, so "500000 is not OTP" is no code.
_CODE_BEFORE_KEYWORD = re.compile(
    r"(?<![0-9])([0-9]{3,8})(?:[ \t]*(?:adalah|ialah|merupakan|is|itu|=)[ \t]+"
    r"(?:(?:kode|code|your|anda|kamu|the)[ \t]+){0,3}"
    r"(?:(?!(?:not|no|never|bukan|bukanlah|tidak|tak|gak|ga|nggak|bkn)[ \t])[a-z][a-z0-9]*[ \t]+)?"
    r"|[ \t]*[（(【\[][ \t]*)$"
)


@dataclass
class _Window:
    """What a keyword's window has seen so far."""

    words: int = 0
    after_separator: bool = False
    after_copula: bool = False
    previous: str = ""  # the last word, lowercased


def _num_groups(text: str, token: re.Match) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _DIGITS.finditer(text, *token.span("num"))]


def _code_value(token: re.Match, kind: str, text: str, window: _Window) -> tuple[int, int] | None:
    """The part of a number token that is a code of this kind, if it is one."""
    low, high = _CODE_LENGTHS[kind]
    written = token.group("num")
    groups = _num_groups(text, token)
    sizes = [b - a for a, b in groups]
    total = sum(sizes)
    if _is_date(written) or window.previous in _PLACE_WORDS:
        return None
    if (written.startswith("0") and total >= 9) or (written.startswith("62") and total >= 10):
        return None  # a phone: "OTP dikirim ke 0812 345 6789"
    if len(sizes) >= 3 and all(size == 4 for size in sizes[:3]):
        return None  # a card's grouping: "PIN kartu 4111 1111 1111 1111" is a card
    candidates = []
    if low <= total <= high and max(sizes) <= 4:
        candidates.append((groups[0][0], groups[-1][1]))  # "1234 5678", "4 8 2 9 1 3"
    if low <= sizes[0] <= high:
        candidates.append(groups[0])  # "123456" followed by another number
    elif sizes[0] <= 3:
        # Small groups or one digit at a time, followed by something else: "551 902 lalu".
        count = 0
        for index, size in enumerate(sizes):
            if size > 3 or count + size > high:
                break
            count, last = count + size, index
        if low <= count <= high:
            candidates.append((groups[0][0], groups[last][1]))
    for start, end in candidates:
        value = text[start:end]
        year_like = len(value) == 4 and 1950 <= int(value) <= 2035
        if _UNITS.match(text, end) or (year_like and window.previous in _YEAR_WORDS):
            continue
        return start, end
    return None


def _quoted_code(token: re.Match, kind: str) -> tuple[int, int] | None:
    low, high = _CODE_LENGTHS[kind]
    start, end = token.span("quote")
    inner = token.group("quote")[1:-1]
    digits = re.sub(r"[ \-]", "", inner)
    return (start + 1, end - 1) if digits.isdigit() and low <= len(digits) <= high else None


def _password_value(token: re.Match, text: str, window: _Window) -> tuple[int, int] | None:
    group = token.lastgroup
    start, end = token.span(group)
    if group == "quote":
        return start + 1, end - 1
    if window.after_separator:
        # After "password:" whatever follows is the password, symbols and all.
        run = _PASSWORD_RUN.match(text, start)
        if run is None:
            return None
        value = run.group().rstrip(_SENTENCE_END) or run.group()
        plain = value.lower()
        if len(value) < 2 or (plain.isalpha() and plain in _NOT_PASSWORDS):
            return None
        return start, start + len(value)
    if group == "num":
        value = token.group("num")
        digits = re.sub(r"\D", "", value)
        if len(digits) < 4 or _UNITS.match(text, end) or _NOT_A_PASSWORD_SHAPE.fullmatch(value):
            return None
        return start, end
    if group != "word":
        return None
    run = _PASSWORD_RUN.match(text, start)
    value = run.group().rstrip(_SENTENCE_END) if run else ""
    if len(value) < 4 or _NOT_A_PASSWORD_SHAPE.fullmatch(value):
        return None
    if _REDUPLICATED.fullmatch(value) and not window.after_copula:
        return None
    return (start, start + len(value)) if _PASSWORD_LIKE.search(value) else None


# Words that end a password phrase after "password:": "password: Budi123 tapi tidak bisa".
_PHRASE_ENDS = _words(
    """
    tapi but dan and sudah udah udh tidak ga gak nggak kok ya kenapa why not lalu terus then
    jadi so karena because sejak since di at untuk for
    """
)
PHRASE_WORDS = 4


def _password_phrase_end(text: str, end: int, limit: int) -> int:
    """After "password:" a password may have spaces: "budi 123", "aku cinta kamu 2024". It runs
    on, on the same line, up to the last of the next PHRASE_WORDS words that has a digit or a
    symbol in it, unless a word like "tapi" (but) comes first."""
    extended = end
    position = end
    for _ in range(PHRASE_WORDS):
        run = re.compile(r"[ \t]+([^\s，。；、！？]{1,64})").match(text, position, limit)
        if run is None:
            break
        word = run.group(1).rstrip(_SENTENCE_END)
        if not word or word.lower() in _PHRASE_ENDS:
            break
        position = run.end()
        if _PASSWORD_LIKE.search(word):
            extended = run.start(1) + len(word)
    return extended


def _more_after(text: str, end: int, limit: int, kind: str) -> list[_Found]:
    """Further codes listed after the first: "OTP 482913, 551234", "PIN 112233 dan 445566"."""
    found: list[_Found] = []
    position = end
    while len(found) < MAX_MORE_CODES:
        joiner = re.compile(r"[ \t]*(?:,|、|/|&|dan|atau|and|or|和|或)[ \t]*", re.I).match(
            text, position, limit
        )
        if joiner is None:
            break
        token = _TOKEN.match(text, joiner.end(), limit)
        if token is None or token.lastgroup != "num":
            break
        value = _code_value(token, kind, text, _Window())
        if value is None:
            break
        found.append(_Found(*value, kind))
        position = value[1]
    return found


def _secrets_after(text: str, keyword: re.Match, kind: str) -> list[_Found]:
    """The secret a keyword introduces, up to MAX_WORDS ordinary words later (and, for codes,
    any more listed after it)."""
    limit = min(len(text), keyword.end() + WINDOW)
    window = _Window()
    position = keyword.end()
    for _ in range(MAX_TOKENS):
        if window.words > MAX_WORDS:
            return []
        token = _TOKEN.search(text, position, limit)
        if token is None:
            return []
        position = token.end()
        group = token.lastgroup
        piece = token.group()
        if group == "end":
            if window.words or (piece.startswith(".") and not window.after_separator):
                return []
            continue  # "OTP!! 482913", "Kode OTP:\n\n482913"
        if group == "sep":
            window.after_separator = True
            if piece in _COPULAS:
                window.after_copula = True
            continue
        if group in ("punct", "wrap"):
            if kind == Kind.PASSWORD and piece == "," and not window.after_separator:
                return []  # "password expired, akun 1234567"
            continue
        if kind == Kind.PASSWORD:
            if window.previous in _PLACE_WORDS and group in ("num", "word"):
                return []  # "kata sandi reset link dikirim ke 0812-3456-7890"
            value = _password_value(token, text, window)
            if value:
                start, end = value
                if window.after_separator and group != "quote":
                    end = _password_phrase_end(text, end, limit)
                return [_Found(start, end, kind)]
            if window.after_separator and group != "cjk":
                return []
        if group == "word" and not any(char.isalnum() for char in piece):
            continue  # emoji and symbols: "OTP 😭 😭 482913"
        elif group == "quote":
            value = _quoted_code(token, kind)
            if value:
                return [_Found(*value, kind)]
        if group == "num":
            if window.previous in _TIME_WORDS and _TIME.fullmatch(piece):
                window.words += 1
                window.previous = piece
                continue
            if piece.isdigit() and _UNITS.match(text, token.end()):  # "8 digit", "3 kali", "5分钟"
                window.words += 1
                window.previous = piece
                window.after_separator = False
                continue
            if kind == Kind.PASSWORD:
                return []
            value = _code_value(token, kind, text, window)
            if value is None:
                return []
            return [_Found(*value, kind), *_more_after(text, value[1], limit, kind)]
        if group == "cjk":
            if _CJK_STOPS.search(piece) or _KEYWORD.search(piece.lower()):
                return []
            if piece in _COPULAS:
                window.after_copula = True
            else:
                window.words += len(piece) // 2 + 1
        elif group == "word":
            plain = piece.lower()
            if _COUNT_WORD.fullmatch(plain) or (
                window.previous in _TIME_WORDS and _TIME.fullmatch(plain)
            ):
                window.words += 1  # "2x", "ke-2", "jam 10.02"
            elif plain in ("tanggal", "tgl") and re.match(r"[ \t]+lahir", text[position:]):
                pass  # "password saya tanggal lahir 17081945": a birth date is the password
            elif plain in _TIME_WORDS:
                window.words += 1  # "OTP tadi jam 10 itu 482913": the time is no code
            elif plain in _STOP_WORDS or _KEYWORD.fullmatch(plain) or re.search(r"[0-9]", plain):
                return []
            elif plain in _COPULAS:
                window.after_copula = True
            elif plain not in _FILLER:
                window.words += 1
            window.previous = plain
        else:  # a quote that holds no code
            window.words += 1
        window.after_separator = False
    return []


def _code_before(text: str, folded: str, keyword: re.Match, kind: str) -> _Found | None:
    """A code written just before its keyword, as forwarded SMS put it."""
    if kind == Kind.PASSWORD:
        return None
    low, high = _CODE_LENGTHS[kind]
    start = keyword.start()
    match = _CODE_BEFORE_KEYWORD.search(folded, max(0, start - 48), start)
    if match is None or not low <= len(match.group(1)) <= high:
        return None
    return _Found(match.start(1), match.end(1), kind)


def _keyword_secrets(text: str, folded: str) -> list[_Found]:
    found = []
    for keyword in _KEYWORD.finditer(folded):
        start = keyword.start()
        if start and "a" <= folded[start - 1] <= "z" and keyword.group()[0].isascii():
            continue  # inside a longer word: "spin", "shopping"
        kind = next(k for k, pattern in _KIND_OF_KEYWORD.items() if pattern.match(folded, start))
        if text[start : start + 5] == "Sandi" and _NAME_BEFORE.search(
            folded, max(0, start - 16), start
        ):
            continue  # "Saya Sandi dari Bekasi": a person, not a password
        found += _secrets_after(text, keyword, kind)
        before = _code_before(text, folded, keyword, kind)
        if before:
            found.append(before)
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
