"""Article bodies: markdown to safe HTML, and to plain text for search and snippets.

Two layers, so a mistake in one is caught by the other: markdown-it-py (`js-default` preset) with
raw HTML off renders only markdown's own elements and refuses links that are not http, https, mailto
or relative; nh3 then keeps an allow-list of tags, attributes and URL schemes. External links get
rel="noopener noreferrer nofollow"; headings get ids so a section can be linked to.
"""

import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
EXTERNAL_REL = "noopener noreferrer nofollow"
# The page has its own h1 (the title), so a body's headings start at h2.
HEADING_TAGS = ("h2", "h3", "h4")
HEADING_ID_PREFIX = "h-"
TAGS = {
    *HEADING_TAGS,
    "p",
    "br",
    "hr",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "s",
    "code",
    "pre",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, **{tag: {"id"} for tag in HEADING_TAGS}}
HEADING_ID = re.compile(rf"^{HEADING_ID_PREFIX}[\w-]{{1,80}}$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CACHE_SIZE = 512  # rendered bodies kept per process; a body is a few kB


def _is_allowed_link(url: str) -> bool:
    """http, https, mailto, or relative (no scheme); markdown-it has already normalised the URL."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in LINK_SCHEMES or scheme == ""


def _is_external(url: str) -> bool:
    return url.startswith("//") or urlsplit(url).scheme.lower() in ("http", "https")


def _headings_and_links(state: StateCore) -> None:
    """Core rule: demote h1 to h2, give each heading a unique id, mark external links."""
    used: set[str] = set()
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
        if token.type == "heading_open":
            text = tokens[index + 1].content if index + 1 < len(tokens) else ""
            base = slugify(text, allow_unicode=True)[:60].strip("-") or "section"
            anchor, number = base, 2
            while anchor in used:
                anchor, number = f"{base}-{number}", number + 1
            used.add(anchor)
            token.attrSet("id", HEADING_ID_PREFIX + anchor)
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "link_open" and _is_external(str(child.attrGet("href") or "")):
                    child.attrSet("rel", EXTERNAL_REL)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    # Images would load from any host (tracking the reader); `![alt](url)` shows as a link.
    md.disable("image")
    md.validateLink = _is_allowed_link
    md.core.ruler.push("faq_headings_and_links", _headings_and_links)
    return md


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if HEADING_ID.match(value) else None
    return value


@lru_cache(maxsize=CACHE_SIZE)
def _render(source: str) -> str:
    html = _markdown().render(CONTROL_CHARACTERS.sub("", source))
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        tag_attribute_values={"a": {"rel": {EXTERNAL_REL}}},
        attribute_filter=_keep_attribute,
        url_schemes=set(LINK_SCHEMES),
        link_rel=None,
    )


def render_markdown(source: str) -> SafeString:
    """The body as HTML that is safe to put on the page as it is."""
    return mark_safe(_render(source or ""))  # sanitised by nh3 in _render


def plain_text(source: str) -> str:
    """The body's text without markup, one line per block: what search indexes and snippets show."""
    lines = []
    for token in _markdown().parse(CONTROL_CHARACTERS.sub("", source or "")):
        if token.type == "inline":
            text = "".join(
                " " if child.type in ("softbreak", "hardbreak") else child.content
                for child in token.children or []
                if child.type in ("text", "code_inline", "softbreak", "hardbreak")
            )
        elif token.type in ("fence", "code_block"):
            text = token.content
        else:
            continue
        text = " ".join(text.split())
        if text:
            lines.append(text)
    return "\n".join(lines)
