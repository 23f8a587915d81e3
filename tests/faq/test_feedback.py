"""POST /help/articles/<slug>/feedback/: "was this helpful?", one vote per session, changeable."""

import pytest
from django.test import Client
from django.urls import reverse

from faq.models import Article, ArticleFeedback
from faq.models.feedback import COMMENT_MAX_LENGTH
from faq.ratelimits import RATES
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(slug="refund-times", texts={"en": ("Refund times", "Days.")})


def vote(client, article, helpful: str, comment: str = "", **headers):
    return client.post(
        reverse("faq:feedback", args=[article.slug]),
        {"helpful": helpful, "comment": comment, "lang": "en"},
        **headers,
    )


def counts(article: Article) -> tuple[int, int]:
    article.refresh_from_db()
    return article.helpful_yes_count, article.helpful_no_count


def test_it_records_a_vote_and_counts_it(client, article):
    response = vote(client, article, "yes")

    assert response.status_code == 302
    assert response["Location"] == "/help/articles/refund-times/#faq-feedback"
    feedback = ArticleFeedback.objects.get()
    assert feedback.helpful is True
    assert feedback.language == "en"
    assert len(feedback.session) == 32
    assert counts(article) == (1, 0)


def test_it_keeps_one_vote_per_session_and_lets_the_visitor_change_it(client, article):
    vote(client, article, "yes")
    vote(client, article, "yes")
    assert ArticleFeedback.objects.count() == 1
    assert counts(article) == (1, 0)

    vote(client, article, "no", comment="Does not say how long a card refund takes.")

    feedback = ArticleFeedback.objects.get()
    assert feedback.helpful is False
    assert feedback.comment == "Does not say how long a card refund takes."
    assert counts(article) == (0, 1)


def test_it_keeps_a_comment_when_the_vote_changes_without_one(client, article):
    vote(client, article, "no", comment="Missing the bank's part.")

    vote(client, article, "yes")

    assert ArticleFeedback.objects.get().comment == "Missing the bank's part."


def test_it_counts_the_votes_of_different_sessions_apart(article):
    for answer in ("yes", "yes", "no"):
        vote(Client(), article, answer)

    assert ArticleFeedback.objects.count() == 3
    assert counts(article) == (2, 1)


def test_it_shows_the_visitors_vote_when_they_come_back(client, article):
    vote(client, article, "no", comment="<b>bold</b> claim")

    page = client.get(article.get_absolute_url()).content.decode()

    assert 'aria-pressed="true"\n              data-testid="faq-helpful-no"' in page
    # Customer text is shown escaped.
    assert "&lt;b&gt;bold&lt;/b&gt; claim" in page
    assert "<b>bold</b>" not in page


def test_it_answers_htmx_with_the_widget_alone(client, article):
    response = vote(client, article, "yes", HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="faq-feedback"')
    assert "<html" not in page
    assert 'role="status"' in page


def test_it_refuses_a_comment_over_the_limit(client, article):
    response = vote(client, article, "no", comment="x" * (COMMENT_MAX_LENGTH + 1))

    assert response.status_code == 302
    assert ArticleFeedback.objects.count() == 0


def test_it_removes_control_characters_from_a_comment(client, article):
    vote(client, article, "no", comment="line one\x1b[31m\x07")

    assert ArticleFeedback.objects.get().comment == "line one[31m"


def test_it_refuses_an_answer_other_than_yes_or_no(client, article):
    vote(client, article, "maybe")

    assert ArticleFeedback.objects.count() == 0


def test_it_only_accepts_posts_with_a_csrf_token(article):
    client = Client(enforce_csrf_checks=True)

    assert client.get(reverse("faq:feedback", args=[article.slug])).status_code == 405
    assert vote(client, article, "yes").status_code == 403


def test_it_does_not_take_votes_on_drafts(client, article):
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

    assert vote(client, article, "yes").status_code == 404


def test_it_limits_how_often_a_session_votes(client, article):
    per_session = int(RATES["faq-feedback"][1].split("/")[0])
    vote(client, article, "yes")  # the first vote sets the visitor cookie the limit counts
    for _ in range(per_session):
        assert vote(client, article, "yes").status_code == 302

    response = vote(client, article, "no")

    assert response.status_code == 429
    assert ArticleFeedback.objects.get().helpful is True
