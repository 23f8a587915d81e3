"""Article bodies render to harmless HTML whatever an editor (or an attacker with admin access)
writes: raw HTML is text, only http(s), mailto and relative links survive, and nothing executes."""

from html.parser import HTMLParser

import pytest

from faq.markdown import ATTRIBUTES, TAGS, plain_text, render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<iframe src=https://evil.example></iframe>",
    '<a href="javascript:alert(1)">raw link</a>',
    "<svg onload=alert(1)></svg>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](file:///etc/passwd)",
    "[ref link][x]\n\n[x]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![img](javascript:alert(1))",
    '[x](https://example.com "title\\" onmouseover=\\"alert(1))',
    "<!-- <script>alert(1)</script> -->",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "<details open ontoggle=alert(1)>",
]


class _Inspector(HTMLParser):
    """Collects every element and attribute the browser would build from the HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def inspect(html: str) -> _Inspector:
    inspector = _Inspector()
    inspector.feed(html)
    return inspector


@pytest.mark.parametrize("source", ATTACKS)
def test_it_renders_every_attack_harmless(source):
    html = render_markdown(source)

    found = inspect(html)
    assert set(found.tags) <= TAGS
    for tag, name, value in found.attributes:
        assert name in ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, name)
        assert not name.startswith("on")
        if name == "href":
            scheme = value.split(":", 1)[0].lower() if ":" in value.split("/", 1)[0] else ""
            assert scheme in ("", "http", "https", "mailto"), value
    assert "<script" not in html.lower()


def test_it_shows_raw_html_as_text():
    html = render_markdown('Hello <b>bold</b> <img src=x onerror="alert(1)">')

    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img" in html
    assert "<img" not in html


def test_it_keeps_markdown_formatting():
    html = render_markdown(
        "Intro with **bold** and *italic*.\n\n1. first\n2. second\n\n- a\n- b\n\n`code`"
    )

    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<ol>" in html
    assert "<li>first</li>" in html
    assert "<ul>" in html
    assert "<code>code</code>" in html


def test_it_marks_external_links_and_leaves_internal_and_mail_links_alone():
    html = render_markdown(
        "[bank](https://bank.example/help) [refunds](/help/topics/refunds/) "
        "[mail](mailto:help@example.com)"
    )

    assert '<a href="https://bank.example/help" rel="noopener noreferrer nofollow">bank</a>' in html
    assert '<a href="/help/topics/refunds/">refunds</a>' in html
    assert '<a href="mailto:help@example.com">mail</a>' in html


def test_it_leaves_a_javascript_link_as_plain_text():
    html = render_markdown("[click me](javascript:alert(1))")

    assert "<a" not in html
    assert "click me" in html


def test_it_anchors_headings_with_unique_ids_in_any_language():
    html = render_markdown("## What to do\n\ntext\n\n## What to do\n\n### 如何申请退款")

    assert '<h2 id="h-what-to-do">What to do</h2>' in html
    assert '<h2 id="h-what-to-do-2">What to do</h2>' in html
    assert '<h3 id="h-如何申请退款">如何申请退款</h3>' in html


def test_it_makes_a_top_level_heading_a_section_heading():
    # The page's only h1 is the article's title.
    html = render_markdown("# Title inside the body")

    assert "<h1" not in html
    assert html.startswith('<h2 id="h-title-inside-the-body">')


def test_it_does_not_load_images_from_other_hosts():
    html = render_markdown("![pixel](https://tracker.example/p.png)")

    assert "<img" not in html
    assert 'href="https://tracker.example/p.png"' in html


def test_it_gives_the_plain_text_without_markup_for_search_and_snippets():
    text = plain_text(
        "## Steps\n\n1. Open **Transaction history**\n2. Tap [Help](/help/)\n\n<b>raw</b>"
    )

    assert text.splitlines() == ["Steps", "Open Transaction history", "Tap Help", "<b>raw</b>"]
