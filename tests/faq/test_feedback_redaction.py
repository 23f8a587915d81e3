import pytest

from faq.models import ArticleFeedback
from faq.services import clean_comment, record_feedback
from tests.factories import ArticleFactory


def test_it_redacts_secrets_pasted_into_feedback():
    assert clean_comment("My OTP 123456 did not work, card 4111 1111 1111 1111") == (
        "My OTP [redacted] did not work, card •••• •••• •••• 1111"
    )


@pytest.mark.django_db
def test_stored_feedback_never_holds_the_secret():
    article = ArticleFactory()

    record_feedback(
        article=article,
        session="s1",
        language="en",
        helpful=False,
        comment="PIN saya 112233 diblokir",
    )

    assert "112233" not in ArticleFeedback.objects.get().comment
