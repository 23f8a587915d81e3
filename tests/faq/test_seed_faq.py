"""seed_faq: the knowledge base we ship, in three languages, loaded idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command

from faq.models import Article, ArticleTranslation, Category, CategoryTranslation
from tickets.models import Category as TicketCategory

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_faq", *args, stdout=out)
    return out.getvalue()


def test_it_loads_at_least_30_published_articles_each_in_three_languages():
    output = seed()

    published = Article.objects.published()
    assert published.count() >= 30
    for article in published.prefetch_related("translations"):
        assert {t.language for t in article.translations.all()} == {"id", "en", "zh-hans"}
    assert "published articles" in output


def test_it_names_every_category_in_three_languages_and_maps_it_to_a_ticket_category():
    seed()

    assert Category.objects.count() >= 7
    for category in Category.objects.prefetch_related("translations"):
        assert category.ticket_category in TicketCategory.Code.values
        assert {t.language for t in category.translations.all()} == {"id", "en", "zh-hans"}
    # Every topic a customer can file a ticket about has articles that may spare them the ticket.
    assert set(Category.objects.values_list("ticket_category", flat=True)) == set(
        TicketCategory.Code.values
    )


def test_it_links_related_articles():
    seed()

    article = Article.objects.get(slug="balance-deducted-payment-failed")
    assert set(article.related_articles.values_list("slug", flat=True)) == {
        "payment-pending",
        "charged-twice",
        "refund-not-received",
    }


def test_it_can_run_again_without_duplicating_anything():
    seed()
    counts = (
        Article.objects.count(),
        ArticleTranslation.objects.count(),
        CategoryTranslation.objects.count(),
    )

    output = seed()

    assert (
        Article.objects.count(),
        ArticleTranslation.objects.count(),
        CategoryTranslation.objects.count(),
    ) == counts
    assert "(0 new)" in output


def test_it_keeps_an_admins_edit_unless_asked_to_update():
    seed()
    translation = ArticleTranslation.objects.get(article__slug="account-locked", language="en")
    translation.title = "Edited by our admin"
    translation.save()

    seed()
    assert ArticleTranslation.objects.get(pk=translation.pk).title == "Edited by our admin"

    seed("--update")
    assert ArticleTranslation.objects.get(pk=translation.pk).title.startswith("My account is")


def test_it_is_loaded_by_seed_demo():
    call_command("seed_demo", stdout=StringIO())

    assert Article.objects.published().count() >= 30
