"""manage.py faq_reindex: rebuilds vectors, plain text and vocabulary from the translations."""

from io import StringIO

import pytest
from django.core.management import call_command

from faq.models import ArticleTranslation, SearchWord
from faq.search import search_articles
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_it_rebuilds_what_a_bulk_update_left_stale():
    article = ArticleFactory(slug="card", texts={"en": ("Card declined", "Call your bank.")})
    # An update that bypasses save(): neither the plain text nor the index follow.
    ArticleTranslation.objects.filter(article=article).update(
        title="Virtual account top-up", body="Transfer **to** the account number."
    )
    SearchWord.objects.create(language="en", word="obsoleteword")

    out = StringIO()
    call_command("faq_reindex", stdout=out)

    assert "1 translations" in out.getvalue()
    translation = ArticleTranslation.objects.get(article=article)
    assert translation.body_text == "Transfer to the account number."
    assert search_articles("virtual account", "en").slugs == ["card"]
    assert not SearchWord.objects.filter(word="obsoleteword").exists()
    assert SearchWord.objects.filter(language="en", word="virtual").exists()
