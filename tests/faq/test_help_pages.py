"""The FAQ pages under /help/: index, topic, article and search, in the visitor's language."""

import pytest
from django.urls import reverse

from faq.models import Article, ArticleTranslation
from tests.factories import ArticleFactory, FaqCategoryFactory

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def payments():
    return FaqCategoryFactory(
        slug="payments",
        ticket_category="payment_failed",
        names={"id": "Pembayaran", "en": "Payments", "zh-hans": "支付"},
    )


@pytest.fixture
def failed_payment(payments):
    return ArticleFactory(
        slug="payment-failed",
        category=payments,
        texts={
            "id": ("Pembayaran gagal", "Dana **kembali** otomatis."),
            "en": ("Payment failed", "The money **comes back** by itself."),
            "zh-hans": ("支付失败", "资金会**自动**退回。"),
        },
    )


def test_it_lists_topics_with_their_articles_in_the_visitors_language(client, failed_payment):
    response = client.get(reverse("faq:index"), **CHINESE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "支付" in page
    assert "支付失败" in page
    assert 'href="/help/topics/payments/"' in page
    assert 'action="/help/search/"' in page


def test_it_lists_a_topics_published_articles_in_the_editors_order(client, payments):
    ArticleFactory(slug="second", category=payments, position=2, texts={"en": ("Second", "b")})
    ArticleFactory(slug="first", category=payments, position=1, texts={"en": ("First", "a")})
    ArticleFactory(
        slug="draft", category=payments, status="draft", texts={"en": ("Hidden draft", "c")}
    )

    response = client.get(reverse("faq:category", args=["payments"]), **ENGLISH)

    page = response.content.decode()
    assert page.index("First") < page.index("Second")
    assert "Hidden draft" not in page
    assert 'href="/tickets/new/payment_failed/"' in page


def test_it_answers_404_for_a_topic_without_published_articles(client):
    FaqCategoryFactory(slug="empty")

    assert client.get(reverse("faq:category", args=["empty"])).status_code == 404


def test_it_shows_an_article_rendered_safely_with_a_way_to_ask_for_help(client, failed_payment):
    ArticleTranslation.objects.filter(article=failed_payment, language="en").update(
        body="Wait.\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    )

    response = client.get(failed_payment.get_absolute_url(), **ENGLISH)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Payment failed</h1>" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    # "Still need help?" opens the topic's ticket form and remembers the article.
    assert 'href="/tickets/new/payment_failed/?article=payment-failed"' in page
    assert 'data-testid="faq-feedback"' in page


def test_it_shows_the_translation_in_the_visitors_language_and_offers_the_others(
    client, failed_payment
):
    page = client.get(failed_payment.get_absolute_url(), **CHINESE).content.decode()

    assert "<h1>支付失败</h1>" in page
    assert 'href="/help/articles/payment-failed/?lang=en"' in page
    assert 'href="/help/articles/payment-failed/?lang=id"' in page


def test_it_shows_another_language_when_the_article_is_not_translated_yet(client, payments):
    article = ArticleFactory(slug="english-only", category=payments, texts={"en": ("Only", "x")})

    page = client.get(article.get_absolute_url(), **CHINESE).content.decode()

    assert "<h1>Only</h1>" in page
    assert 'lang="en"' in page
    assert "faq-notice" in page


def test_it_switches_language_with_the_lang_parameter(client, failed_payment):
    page = client.get(failed_payment.get_absolute_url(), {"lang": "id"}, **ENGLISH).content.decode()

    assert "<h1>Pembayaran gagal</h1>" in page


def test_it_hides_a_draft_from_customers_and_previews_it_for_admins(
    client, customer, admin_user, failed_payment
):
    Article.objects.filter(pk=failed_payment.pk).update(status=Article.Status.DRAFT)
    url = failed_payment.get_absolute_url()

    assert client.get(url).status_code == 404
    client.force_login(customer)
    assert client.get(url).status_code == 404
    client.force_login(admin_user)
    response = client.get(url, **ENGLISH)
    assert response.status_code == 200
    assert "faq-notice-draft" in response.content.decode()


def test_it_counts_a_view_once_per_visitor(client, failed_payment):
    url = failed_payment.get_absolute_url()

    client.get(url)
    client.get(url)

    failed_payment.refresh_from_db()
    assert failed_payment.view_count == 1


def test_it_shows_related_articles_or_else_others_of_the_topic(client, payments, failed_payment):
    other = ArticleFactory(slug="pending", category=payments, texts={"en": ("Pending", "x")})
    related = ArticleFactory(slug="refunds", texts={"en": ("Refund times", "y")})

    page = client.get(failed_payment.get_absolute_url(), **ENGLISH).content.decode()
    assert 'href="/help/articles/pending/"' in page

    failed_payment.related_articles.add(related)
    page = client.get(failed_payment.get_absolute_url(), **ENGLISH).content.decode()
    assert 'href="/help/articles/refunds/"' in page
    assert other.get_absolute_url() not in page


def test_it_searches_and_highlights_the_words_found(client, failed_payment):
    response = client.get(reverse("faq:search"), {"q": "payment failed"}, **ENGLISH)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="/help/articles/payment-failed/"' in page
    assert 'data-testid="faq-search-result"' in page


@pytest.mark.postgres
def test_it_highlights_matches_in_the_snippet(client, failed_payment):
    page = client.get(reverse("faq:search"), {"q": "money"}, **ENGLISH).content.decode()

    assert "<mark>money</mark>" in page


def test_it_escapes_the_query_on_the_search_page(client, failed_payment):
    page = client.get(
        reverse("faq:search"), {"q": '"><script>alert(1)</script>'}, **ENGLISH
    ).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_helps_when_nothing_matches(client, failed_payment):
    page = client.get(reverse("faq:search"), {"q": "xylophone"}, **ENGLISH).content.decode()

    assert "faq-empty" in page
    assert 'href="/help/"' in page


def test_it_links_a_hit_in_another_language_to_that_translation(client, payments):
    ArticleFactory(slug="card", category=payments, texts={"en": ("Linking a debit card", "x")})

    page = client.get(
        reverse("faq:search"), {"q": "debit card"}, HTTP_ACCEPT_LANGUAGE="id"
    ).content.decode()

    assert 'href="/help/articles/card/?lang=en"' in page
