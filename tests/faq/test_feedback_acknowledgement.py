"""Article feedback is acknowledged (issue 18): after "Was this helpful?" and after "Send comment"
the visitor reads a thank-you, in place with htmx and on the page after the redirect without
JavaScript, and the comment sent is not one tap away from being sent again."""

import pytest
from django.urls import reverse

from faq.models import ArticleFeedback
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

COMMENT = "It does not say how long a card refund takes."


@pytest.fixture
def article():
    return ArticleFactory(slug="refund-times", texts={"en": ("Refund times", "Days.")})


def send(client, article, helpful: str, comment: str = "", **headers):
    return client.post(
        reverse("faq:feedback", args=[article.slug]),
        {"helpful": helpful, "comment": comment, "lang": "en"},
        **headers,
    )


def feedback_section(html: str) -> str:
    start = html.index('<section class="faq-feedback"')
    return html[start : html.index("</section>", start)]


def test_a_vote_is_thanked_in_place_and_asks_for_a_comment(client, article):
    section = send(client, article, "no", HTTP_HX_REQUEST="true").content.decode()

    assert "Thank you for telling us. What was missing?" in section
    assert "Thank you for your comment." not in section
    assert 'data-testid="faq-send-comment"' in section
    assert "<details" not in section


def test_a_comment_is_thanked_in_place_with_htmx(client, article):
    send(client, article, "no", HTTP_HX_REQUEST="true")

    section = send(client, article, "no", COMMENT, HTTP_HX_REQUEST="true").content.decode()

    assert '<p class="faq-feedback-thanks" role="status"' in section
    assert "Thank you for your comment." in section
    assert f"<blockquote>{COMMENT}</blockquote>" in section
    # Sending it again takes opening "Change my comment" first.
    details = section[section.index('<details class="faq-change-comment"') :]
    assert details.startswith('<details class="faq-change-comment">')
    assert 'data-testid="faq-send-comment"' in details
    assert section.count('data-testid="faq-send-comment"') == 1


def test_a_comment_is_thanked_after_the_redirect_without_javascript(client, article):
    response = send(client, article, "yes", COMMENT)

    assert response.status_code == 302
    assert response["Location"].endswith("#faq-feedback")
    page = client.get(response["Location"]).content.decode()
    assert "Thank you for your comment." in feedback_section(page)
    assert COMMENT in feedback_section(page)
    assert page.count("Thank you for your comment.") == 2  # the page's message and the section


def test_a_vote_without_javascript_is_thanked_after_the_redirect(client, article):
    page = client.get(send(client, article, "yes")["Location"]).content.decode()

    assert "Thank you for your feedback." in page
    assert "Thank you! Glad it helped." in feedback_section(page)


def test_the_buttons_are_disabled_while_htmx_sends(client, article):
    page = client.get(article.get_absolute_url()).content.decode()

    assert 'hx-disabled-elt="#faq-feedback button"' in feedback_section(page)


def test_sending_the_same_comment_twice_keeps_one(client, article):
    send(client, article, "no", COMMENT)
    send(client, article, "no", COMMENT)

    feedback = ArticleFeedback.objects.get()
    assert feedback.comment == COMMENT
    article.refresh_from_db()
    assert (article.helpful_yes_count, article.helpful_no_count) == (0, 1)


def test_a_comment_too_long_opens_the_box_again_with_the_error(client, article):
    send(client, article, "no", COMMENT)

    section = send(client, article, "no", "x" * 5000, HTTP_HX_REQUEST="true").content.decode()

    assert '<details class="faq-change-comment" open>' in section
    assert 'class="faq-error"' in section
    assert ArticleFeedback.objects.get().comment == COMMENT
