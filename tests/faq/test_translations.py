"""Every string the FAQ app shows exists in Bahasa Indonesia and simplified Chinese."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory

LOCALE = Path(__file__).resolve().parents[2] / "faq" / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def test_there_is_a_catalogue_for_each_language_besides_english():
    assert [path.parts[-3] for path in CATALOGUES] == ["id", "zh_Hans"]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_every_message_is_translated(path):
    text = path.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header

    untranslated = [
        entry
        for entry in entries
        if re.search(r'^msgstr(\[\d\])? ""$', entry, re.MULTILINE)
        and not re.search(r'^msgstr(\[\d\])? ""\n"', entry, re.MULTILINE)
    ]
    assert untranslated == []
    assert "#, fuzzy" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", ["Apakah artikel ini membantu?", "Masih butuh bantuan?", "Hubungi kami"]),
        ("zh-hans", ["这篇文章对您有帮助吗", "仍需要帮助", "联系我们"]),
    ],
)
def test_the_article_page_speaks_the_visitors_language(client, language, expected):
    article = ArticleFactory()

    page = client.get(reverse("faq:article", args=[article.slug]), HTTP_ACCEPT_LANGUAGE=language)

    for text in expected:
        assert text in page.text
