"""The FAQ admin: lists, inline translations with a rendered preview, the missing-translation
filter, feedback with its comments, and publish / unpublish."""

import pytest
from django.contrib import admin
from django.urls import reverse

from faq.models import Article, ArticleFeedback, ArticleTranslation, Deflection
from faq.search import search_articles
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label == "faq"]


@pytest.fixture
def content(seeded_faq):
    article = Article.objects.get(slug="account-locked")
    ArticleFeedback.objects.create(
        article=article, session="a" * 32, language="en", helpful=False, comment="<b>Too long</b>"
    )
    Deflection.objects.create(kind="shown", session="b" * 32, article=article, language="en")
    return article


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_it_registers_categories_articles_feedback_and_deflection():
    assert {model._meta.model_name for model in MODELS} == {
        "category",
        "article",
        "articlefeedback",
        "deflection",
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_it_lists_and_searches_each_model(admin_client, content, model):
    url = reverse(f"admin:faq_{model._meta.model_name}_changelist")

    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "locked"}).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_it_opens_the_first_row_of_each_model(admin_client, content, model):
    obj = model._default_manager.first()
    url = reverse(f"admin:faq_{model._meta.model_name}_change", args=[obj.pk])

    assert admin_client.get(url).status_code == 200


def test_it_edits_an_article_with_its_translations_a_preview_and_the_comments(
    admin_client, content
):
    page = admin_client.get(reverse("admin:faq_article_change", args=[content.pk])).text

    assert page.count('name="translations-') >= 3 * 3
    assert '<div class="faq-admin-preview"><p>For your safety' in page
    assert "&lt;b&gt;Too long&lt;/b&gt;" in page
    assert "<b>Too long</b>" not in page


def test_it_filters_articles_missing_a_translation(admin_client, seeded_faq):
    ArticleTranslation.objects.filter(article__slug="charged-twice", language="zh-hans").delete()
    url = reverse("admin:faq_article_changelist")

    missing_chinese = admin_client.get(url, {"missing": "zh-hans"}).context["cl"].queryset
    missing_any = admin_client.get(url, {"missing": "any"}).context["cl"].queryset
    missing_english = admin_client.get(url, {"missing": "en"}).context["cl"].queryset

    assert [a.slug for a in missing_chinese] == ["charged-twice"]
    assert [a.slug for a in missing_any] == ["charged-twice"]
    assert list(missing_english) == []


def test_it_publishes_and_unpublishes_from_the_list(admin_client):
    draft = ArticleFactory(status="draft", published_at=None)
    url = reverse("admin:faq_article_changelist")

    admin_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.published_at is not None

    admin_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_it_does_not_publish_an_article_without_any_text(admin_client):
    empty = ArticleFactory(status="draft", texts={})
    ArticleTranslation.objects.filter(article=empty).delete()

    admin_client.post(
        reverse("admin:faq_article_changelist"),
        {"action": "publish", "_selected_action": [empty.pk]},
    )

    empty.refresh_from_db()
    assert empty.status == "draft"


@pytest.mark.postgres
def test_saving_a_translation_in_the_admin_makes_it_searchable(admin_client, seeded_faq):
    article = Article.objects.get(slug="charged-twice")
    data = {
        "slug": article.slug,
        "category": article.category_id,
        "status": "published",
        "position": article.position,
        "translations-TOTAL_FORMS": 3,
        "translations-INITIAL_FORMS": 3,
        "translations-MIN_NUM_FORMS": 1,
        "translations-MAX_NUM_FORMS": 3,
    }
    for index, translation in enumerate(article.translations.order_by("language")):
        data |= {
            f"translations-{index}-id": translation.pk,
            f"translations-{index}-article": article.pk,
            f"translations-{index}-language": translation.language,
            f"translations-{index}-title": translation.title,
            f"translations-{index}-body": translation.body,
            f"translations-{index}-search_text": translation.search_text,
        }
        if translation.language == "en":
            data[f"translations-{index}-search_text"] += ", zigzagoon"

    response = admin_client.post(reverse("admin:faq_article_change", args=[article.pk]), data)

    assert response.status_code == 302, response.context["errors"]
    assert search_articles("zigzagoon", "en").slugs == ["charged-twice"]


def test_deleting_feedback_recounts_the_articles_votes(admin_client, content):
    content.helpful_no_count = 1
    content.save(update_fields=["helpful_no_count"])
    feedback = ArticleFeedback.objects.get()

    admin_client.post(
        reverse("admin:faq_articlefeedback_changelist"),
        {"action": "delete_selected", "_selected_action": [feedback.pk], "post": "yes"},
    )

    content.refresh_from_db()
    assert content.helpful_no_count == 0


def test_the_deflection_list_links_to_the_report(admin_client, content):
    page = admin_client.get(reverse("admin:faq_deflection_changelist")).text

    assert f'href="{reverse("faq:report")}"' in page
