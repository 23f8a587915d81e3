"""The repository explains itself: the README and docs/ link only to files in the repository (or
to the running app on localhost and example domains), their anchors exist, and every reference
to a numbered section of docs/design.md names one that is there. No database needed."""

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.repository import repository_files

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT / "docs" / "design.md"
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])

# Host names that stand for the running app or are reserved for examples (RFC 2606, RFC 6761).
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0"}
EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")
RESERVED_TLDS = ("example", "test", "invalid", "localhost")
# Written as two halves so that this file does not mention what it looks for.
OUTSIDE_DESIGN = "../" + "shared"

FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
# [text](target "title") and ![alt](target); the text may hold one level of brackets.
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
)
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.M)
HTML_LINK = re.compile(r"<(?:a|img|source)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.I)
AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^>\s]+)>", re.I)
BARE_URL = re.compile(r"(?<![(<\"'=])\bhttps?://[^\s)>\]\"'`]+", re.I)
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$", re.M)
HTML_ANCHOR = re.compile(r"<a\b[^>]*\b(?:id|name)\s*=\s*[\"']([^\"']+)[\"']", re.I)
DESIGN_SECTION = re.compile(r"^## (\d+)\. ", re.M)
# "docs/design.md section 6", also wrapped across lines of a comment or docstring.
SECTION_REFERENCE = re.compile(r"docs/design\.md[,:]?(?:\s|#|\*)+section\s+(\d+)", re.I)


def prose(text: str) -> str:
    """The text without code blocks and code spans: a URL in an example command is no link."""
    text = FENCE.sub("", text)
    return CODE_SPAN.sub("code", text)


def links_in(text: str) -> list[str]:
    text = prose(text)
    found = [match.group(1) for match in INLINE_LINK.finditer(text)]
    found += REFERENCE_DEFINITION.findall(text)
    found += HTML_LINK.findall(text)
    found += AUTOLINK.findall(text)
    without_links = AUTOLINK.sub("", INLINE_LINK.sub("", text))
    found += [url.rstrip(".,;:") for url in BARE_URL.findall(without_links)]
    return found


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: markup dropped, lower case, punctuation dropped,
    spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@cache
def anchors_of(path: Path) -> frozenset[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    anchors = set(HTML_ANCHOR.findall(text))
    for _hashes, heading in HEADING.findall(text):
        base = slug(heading)
        count = seen.get(base, 0)
        anchors.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return frozenset(anchors)


def is_example_or_local(host: str) -> bool:
    host = host.lower().rstrip(".")
    return (
        host in LOCAL_HOSTS
        or host in EXAMPLE_DOMAINS
        or host.endswith(tuple("." + domain for domain in EXAMPLE_DOMAINS))
        or host.rsplit(".", 1)[-1] in RESERVED_TLDS
    )


def problem_with(link: str, document: Path) -> str | None:
    """Why `link`, found in `document`, does not stay in the repository (None: it does)."""
    parts = urlsplit(link)
    if parts.scheme in ("http", "https"):
        if not is_example_or_local(parts.hostname or ""):
            return f"leaves the repository for {parts.hostname}"
        return None
    if parts.scheme == "mailto":
        domain = parts.path.rpartition("@")[2]
        return None if is_example_or_local(domain) else f"mails a real domain, {domain}"
    if parts.scheme or parts.netloc:
        return "is an absolute link outside the repository"
    if not parts.path:  # "#anchor" in the same document
        target = document
    else:
        target = (document.parent / unquote(parts.path)).resolve()
        if not target.is_relative_to(ROOT):
            return "points outside the repository"
        if not target.exists():
            return "names a file that does not exist"
    if (
        parts.fragment
        and target.suffix == ".md"
        and target.is_file()
        and unquote(parts.fragment).lower() not in anchors_of(target)
    ):
        return f"names an anchor that {target.relative_to(ROOT)} does not have"
    return None


def text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None  # a picture, a compiled catalogue


def design_sections() -> set[int]:
    return {int(number) for number in DESIGN_SECTION.findall(DESIGN.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("document", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_it_links_only_to_files_in_the_repository_and_example_sites(document):
    broken = [
        f"{link}: {problem}"
        for link in links_in(document.read_text(encoding="utf-8"))
        if (problem := problem_with(link, document))
    ]

    assert broken == []


def test_it_numbers_the_design_sections_one_to_fourteen():
    assert design_sections() == set(range(1, 15))


def test_every_reference_to_a_design_section_names_one_that_exists():
    sections = design_sections()
    missing = [
        f"{path.relative_to(ROOT)}: section {number}"
        for path in repository_files()
        if (text := text_of(path)) is not None
        for number in SECTION_REFERENCE.findall(text)
        if int(number) not in sections
    ]

    assert missing == []


def test_no_file_points_to_the_design_outside_the_repository():
    mentions = [
        str(path.relative_to(ROOT))
        for path in repository_files()
        if (text := text_of(path)) is not None and OUTSIDE_DESIGN in text
    ]

    assert mentions == []


def test_the_link_checker_catches_what_leaves_the_repository():
    # given: a document beside the README, with one link of each kind
    document = ROOT / "docs" / "any.md"

    # then: what stays in the repository passes, what leaves it does not
    assert problem_with("design.md#6-sla", document) is None
    assert problem_with("../README.md#faults-nothing-lost", document) is None
    assert problem_with("http://127.0.0.1:8000/api/docs/", document) is None
    assert problem_with("https://help.example.com/inbound/email/", document) is None
    assert problem_with("design.md#no-such-section", document) is not None
    assert problem_with("../" + OUTSIDE_DESIGN + "/DESIGN.md", document) is not None
    assert problem_with("missing.md", document) is not None
    assert problem_with("https://github.com/", document) is not None
    assert links_in("run `curl https://github.com/` or [docs](design.md)") == ["design.md"]
