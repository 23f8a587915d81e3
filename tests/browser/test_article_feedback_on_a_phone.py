"""Article feedback on a phone (issue 18): a vote and a comment are each thanked in place, and
the comment sent is shown instead of a box one tap away from sending it again."""

import pytest
from playwright.sync_api import expect

from faq.models import ArticleFeedback
from tests.factories import ArticleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_vote_and_a_comment_are_acknowledged(site, phone):
    article = ArticleFactory(
        slug="refund-times",
        texts={"id": ("Lama pengembalian dana", "Tiga sampai tujuh hari kerja.")},
    )
    page = phone.new_page()
    page.goto(site + article.get_absolute_url())

    page.get_by_test_id("faq-helpful-no").click()
    expect(page.get_by_test_id("faq-feedback-thanks")).to_be_visible()
    expect(page.get_by_test_id("faq-helpful-no")).to_have_attribute("aria-pressed", "true")
    page.fill("#faq-comment", "Tidak dijelaskan untuk kartu kredit.")
    page.get_by_test_id("faq-send-comment").click()

    expect(page.get_by_test_id("faq-comment-sent")).to_contain_text(
        "Tidak dijelaskan untuk kartu kredit."
    )
    expect(page.get_by_test_id("faq-send-comment")).to_be_hidden()
    assert ArticleFeedback.objects.get().comment == "Tidak dijelaskan untuk kartu kredit."
    page.get_by_test_id("faq-feedback").screenshot(
        path="/tmp/shots/h3-faq-ack-390-id.png", caret="initial"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
