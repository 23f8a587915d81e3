"""The blocks the portal's home page shows: topics with their top articles, and the search box."""

import pytest
from django.db.models import F
from django.template import Context, Template
from django.utils import translation

from faq.links import ticket_form_url
from faq.models import Article, Category
from tests.factories import ArticleFactory, FaqCategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics():
    payments = FaqCategoryFactory(
        slug="payments", position=1, names={"en": "Payments", "id": "Pembayaran"}
    )
    refunds = FaqCategoryFactory(slug="refunds", position=2, names={"en": "Refunds"})
    FaqCategoryFactory(slug="empty", position=0, names={"en": "Nothing published"})
    ArticleFactory(
        slug="popular",
        category=payments,
        position=3,
        texts={"en": ("Popular", "x"), "id": ("Populer", "x")},
    )
    ArticleFactory(slug="unloved", category=payments, position=2, texts={"en": ("Unloved", "x")})
    ArticleFactory(slug="new", category=payments, position=1, texts={"en": ("New", "x")})
    ArticleFactory(slug="refund", category=refunds, texts={"en": ("Refund times", "x")})
    # Many views and mostly helpful beats more views and mostly unhelpful.
    Article.objects.filter(slug="popular").update(
        view_count=300, helpful_yes_count=40, helpful_no_count=2
    )
    Article.objects.filter(slug="unloved").update(
        view_count=500, helpful_yes_count=1, helpful_no_count=60
    )


def test_it_gives_the_topics_in_order_with_their_most_popular_articles(topics):
    result = Category.objects.help_centre_topics("en", top=2)

    assert [topic.slug for topic in result] == ["payments", "refunds"]
    payments = result[0]
    assert payments.name == "Payments"
    assert payments.ticket_category == "payment_failed"
    assert payments.url == "/help/topics/payments/"
    assert [(a.slug, a.title, a.url) for a in payments.articles] == [
        ("popular", "Popular", "/help/articles/popular/"),
        ("unloved", "Unloved", "/help/articles/unloved/"),
    ]


def test_it_translates_and_falls_back_per_article(topics):
    payments = Category.objects.help_centre_topics("id", top=3)[0]

    assert payments.name == "Pembayaran"
    assert [(a.title, a.language) for a in payments.articles][:2] == [
        ("Populer", "id"),
        ("Unloved", "en"),
    ]


def test_it_keeps_the_editors_order_before_anyone_has_read_anything(topics):
    Article.objects.update(view_count=0, helpful_yes_count=0, helpful_no_count=0)

    payments = Category.objects.help_centre_topics("en", top=3)[0]

    assert [a.slug for a in payments.articles] == ["new", "unloved", "popular"]


def test_it_needs_the_same_few_queries_however_many_topics_there_are(
    topics, django_assert_num_queries
):
    with django_assert_num_queries(4):
        Category.objects.help_centre_topics("en", top=3)
    for number in range(5):
        ArticleFactory(category=FaqCategoryFactory(), slug=f"more-{number}")
    Article.objects.update(view_count=F("view_count") + 1)
    with django_assert_num_queries(4):
        Category.objects.help_centre_topics("en", top=3)


def test_the_template_tags_render_the_topics_and_the_search_box(topics):
    with translation.override("en"):
        html = Template("{% load faq %}{% faq_topics 1 %}{% faq_search_box %}").render(Context())

    assert 'data-testid="faq-topics"' in html
    assert 'href="/help/articles/popular/"' in html
    assert "Unloved" not in html
    assert 'action="/help/search/"' in html
    assert 'name="q"' in html


def test_the_topics_partial_can_be_included_with_the_topics_given(topics):
    with translation.override("en"):
        html = Template('{% include "faq/_topics.html" %}').render(
            Context({"topics": Category.objects.help_centre_topics("en", top=1)})
        )

    assert 'href="/help/topics/refunds/"' in html


def test_it_builds_the_ticket_form_link_until_the_portal_names_its_url():
    assert ticket_form_url("refund") == "/tickets/new/refund/"
    assert ticket_form_url("refund", "refund-times") == "/tickets/new/refund/?article=refund-times"
