"""Text handling shared by the PostgreSQL search and the simple fallback: query words, Chinese
bigrams, the words kept for typo correction, and highlighted snippets.

PostgreSQL has stemmers for Indonesian and English but no parser for Chinese, which has no spaces
between words: Chinese text is indexed as overlapping character pairs (bigrams), so "退款多久到账"
is found by "退款" or "到账" (the usual approach without a dictionary segmenter).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
MIN_CORRECTABLE_LENGTH = 4  # shorter words have too few trigrams to correct reliably
MAX_WORD_LENGTH = 40

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK}]+")
# Latin words and numbers; an apostrophe inside a word is dropped ("can't" -> "cant").
WORD = re.compile(r"[0-9a-z]+(?:['\u2019][a-z]+)*")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Everyday Indonesian in chat and on phones, mapped to the words articles use. Applied to queries
# only: articles are written in standard Indonesian, with slang in their search text where useful.
COLLOQUIAL_ID = {
    "ga": "tidak",
    "gak": "tidak",
    "gk": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "tdk": "tidak",
    "udah": "sudah",
    "udh": "sudah",
    "sdh": "sudah",
    "blm": "belum",
    "blom": "belum",
    "gimana": "bagaimana",
    "gmn": "bagaimana",
    "knp": "kenapa",
    "duit": "uang",
    "ilang": "hilang",
    "kepotong": "terpotong",
    "motong": "potong",
    "balikin": "kembalikan",
    "dibalikin": "dikembalikan",
    "ngembaliin": "kembalikan",
    "keblokir": "terblokir",
    "kekunci": "terkunci",
    "ngunci": "kunci",
    "nyampe": "sampai",
    "nyampai": "sampai",
    "hp": "ponsel",
    "handphone": "ponsel",
    "nomer": "nomor",
    "no": "nomor",
    "tf": "transfer",
    "trf": "transfer",
    "apk": "aplikasi",
    "app": "aplikasi",
    "apps": "aplikasi",
    "eror": "error",
    "erorr": "error",
    "ngelag": "lambat",
    "lemot": "lambat",
    "lelet": "lambat",
    "topup": "top up",
    "pw": "password",
    "pass": "password",
    "cs": "layanan pelanggan",
    "tlp": "telepon",
    "telp": "telepon",
    "bgt": "banget",
    "tp": "tapi",
    "yg": "yang",
    "dgn": "dengan",
    "sy": "saya",
    "utk": "untuk",
    "krn": "karena",
}

# Query words that carry no topic. English ones are stop words of PostgreSQL's `english`
# configuration too; Indonesian has a stemmer there but no stop-word list, so it is kept here.
STOP_WORDS = {
    "id": frozenset(
        """
        yang dan di ke dari untuk buat dengan pada ini itu saya aku gue gw kamu anda kak kakak
        min admin gan sis bang mas mbak halo hai hi kok sih dong deh nih ya yah kan lah tapi
        tetapi namun atau juga sudah belum akan sedang lagi masih apa apakah bagaimana kenapa
        mengapa cara gimana mau ingin tolong mohon bantu bantuan karena banget sangat saja aja
        ada adalah jadi bisa tidak bukan kalau kalo gitu begitu seperti mana terus trus
        """.split()  # noqa: SIM905 (a word list reads better as text)
    ),
    "en": frozenset(
        """
        a an the i me my mine we our you your it its is are was were be been being am to of in on
        at for from with by and or but if so do does did doing done can could would should will
        how what why when where which who whom this that these those there here have has had
        not no yes please pls help hi hello hey just still already get got any some about after
        before into out up
        """.split()  # noqa: SIM905 (a word list reads better as text)
    ),
}

# Chinese characters that only glue a sentence together ("的", "了", "吗", "怎么", "如何"...):
# a query's run of characters is split at them, so their pairs do not match every article.
CHINESE_STOP_CHARACTERS = frozenset(
    "的了吗呢吧啊呀哦嘛么我你您他她它们是在和与或就都也还很请问怎如何为什办能可以要会想个这那吗些啥咋"
)


def normalize(text: str) -> str:
    """Lower-case, accents and full-width forms folded, control characters and extra space gone."""
    text = unicodedata.normalize("NFKC", CONTROL.sub(" ", text or ""))
    text = "".join(
        char
        for char in unicodedata.normalize("NFKD", text.casefold())
        if not unicodedata.combining(char)
    )
    return " ".join(text.split())


def latin_words(text: str) -> list[str]:
    return [word.replace("'", "").replace("\u2019", "") for word in WORD.findall(normalize(text))]


def bigrams(run: str) -> list[str]:
    """Overlapping character pairs; a lone character stays as it is."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def has_chinese(text: str) -> bool:
    return CJK_RUN.search(text or "") is not None


def index_document(text: str, language: str) -> str:
    """Text as PostgreSQL should index it: Chinese runs become space-separated bigrams (under the
    `simple` configuration), and everything else is left for the language's parser."""
    if language != "zh-hans" and not has_chinese(text):
        return text
    parts = []
    for piece in re.split(f"([{CJK}]+)", normalize(text)):
        if CJK_RUN.fullmatch(piece):
            parts.extend(bigrams(piece))
        elif piece.strip():
            parts.append(piece)
    return " ".join(parts)


def vocabulary(*texts: str) -> set[str]:
    """The Latin words worth correcting a typo towards (Chinese typos are not of that kind)."""
    return {
        word
        for text in texts
        for word in latin_words(text)
        if MIN_CORRECTABLE_LENGTH - 1 <= len(word) <= MAX_WORD_LENGTH and not word.isdigit()
    }


@dataclass(frozen=True)
class Terms:
    """A query broken into what the search engines match: Latin words (colloquial Indonesian
    mapped to standard words, stop words dropped) and Chinese bigrams."""

    words: tuple[str, ...]
    chinese: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.words or self.chinese)

    @property
    def highlight(self) -> tuple[str, ...]:
        return self.words + self.chinese


def parse_query(query: str, language: str) -> Terms:
    text = normalize(query)[:MAX_QUERY_LENGTH]
    words: list[str] = []
    for word in latin_words(text):
        mapped = COLLOQUIAL_ID.get(word, word) if language == "id" else word
        for part in mapped.split():
            if part not in STOP_WORDS.get(language, ()) and part not in words:
                words.append(part)
    chinese: list[str] = []
    for run in CJK_RUN.findall(text):
        for piece in re.split("[" + "".join(CHINESE_STOP_CHARACTERS) + "]+", run):
            for gram in bigrams(piece):
                if gram not in chinese:
                    chinese.append(gram)
    if not words and not chinese:
        # Only stop words ("bagaimana caranya?"): better to search them than nothing.
        words = [word for word in latin_words(text) if len(word) > 1][:5]
    # A lone character is kept only when the query is nothing more ("锁").
    if len(chinese) > 1:
        chinese = [gram for gram in chinese if len(gram) == 2] or chinese
    return Terms(tuple(words[:12]), tuple(chinese[:16]))


SNIPPET_LENGTH = 160


def snippet(text: str, terms: tuple[str, ...], *, length: int = SNIPPET_LENGTH) -> SafeString:
    """A window of `text` around the first term it contains, escaped, with every term wrapped in
    <mark>. Without a match, the start of the text."""
    text = " ".join((text or "").split())
    pattern = _terms_pattern(terms)
    start = 0
    if pattern is not None and (first := pattern.search(text)) is not None:
        start = max(0, first.start() - length // 4)
        # Start at a word boundary for Latin text.
        if start and " " in text[start : first.start()]:
            start = text.index(" ", start) + 1
    window = text[start : start + length]
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(text) else ""
    return mark_safe(prefix + highlight(window, pattern) + suffix)  # highlight() escapes


def highlight(text: str, pattern: re.Pattern | None) -> str:
    """`text` escaped, with the matches of `pattern` in <mark>."""
    if pattern is None:
        return escape(text)
    out, position = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    terms = tuple(term for term in terms if term)
    if not terms:
        return None
    alternatives = []
    for term in sorted(set(terms), key=len, reverse=True):
        if CJK_RUN.fullmatch(term):
            alternatives.append(re.escape(term))
        else:
            # Latin words match as word prefixes: "bayar" marks "bayar" and "bayarnya".
            alternatives.append(r"(?<![0-9a-zA-Z])" + re.escape(term))
    return re.compile("|".join(alternatives), re.IGNORECASE)


HEADLINE_START = "\x02"
HEADLINE_STOP = "\x03"


def headline_to_html(headline: str) -> SafeString:
    """PostgreSQL's ts_headline output (with the control-character markers above) as escaped HTML.

    The body text never contains control characters (markdown.plain_text strips them), so the
    markers can only come from ts_headline.
    """
    html = escape(headline).replace(HEADLINE_START, "<mark>").replace(HEADLINE_STOP, "</mark>")
    return mark_safe(html)
