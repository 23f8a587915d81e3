"""search_articles on PostgreSQL: per-language stemming, Chinese bigrams, typo correction,
weighting, language fallback, and safe snippets."""

import pytest
from django.db import connection

from faq.models import Article, ArticleTranslation
from faq.search import search_articles
from tests.factories import ArticleFactory, FaqCategoryFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def article(slug: str, **texts) -> Article:
    return ArticleFactory(slug=slug, texts={lang.replace("_", "-"): t for lang, t in texts.items()})


def test_it_finds_indonesian_words_by_their_stem():
    article("failed", id=("Transaksi gagal", "Jika pembayaran Anda gagal, dana kembali."))
    article("other", id=("Cara daftar", "Buka aplikasi dan daftar."))

    results = search_articles("membayar", "id")

    assert results.slugs == ["failed"]


def test_it_finds_english_words_by_their_stem():
    article("refunds", en=("Refunds", "We refunded your money to the card."))

    assert search_articles("refunding", "en").slugs == ["refunds"]


def test_it_finds_chinese_text_by_character_pairs():
    article("refund-time", zh_hans=("退款多久到账", "退款通常在几个工作日内退回银行卡。"))
    article("register", zh_hans=("新用户注册", "下载应用后注册账户。"))

    assert search_articles("我的退款什么时候到账", "zh-hans").slugs == ["refund-time"]
    assert search_articles("退", "zh-hans").slugs == ["refund-time"]


def test_it_weighs_the_title_above_the_search_text_above_the_body():
    article("in-body", en=("Payments", "Sometimes a card is declined by the bank."))
    article("in-search-text", en=("Paying by card", "How to pay.", "declined"))
    article("in-title", en=("Card declined", "What to do."))

    assert search_articles("declined", "en").slugs == ["in-title", "in-search-text", "in-body"]


def test_it_corrects_a_misspelt_word_to_one_the_articles_use_and_says_so():
    article("refund", en=("How to request a refund", "Open your transaction history."))

    results = search_articles("refnd request", "en")

    assert results.slugs == ["refund"]
    assert results.corrected_query == "refund request"


def test_it_leaves_words_the_stemmer_already_matches_uncorrected():
    article("crash", en=("The app crashes", "Update the app."))

    results = search_articles("app crashing", "en")

    assert results.slugs == ["crash"]
    assert results.corrected_query == ""


def test_it_understands_colloquial_indonesian():
    article(
        "deducted",
        id=("Saldo terpotong tapi pembayaran gagal", "Dana akan kembali otomatis."),
    )

    assert search_articles("saldo kepotong tp gagal", "id").slugs == ["deducted"]
    assert search_articles("udah bayar tp gagal", "id").slugs == ["deducted"]


def test_it_falls_back_to_another_language_when_nothing_matches():
    article("only-english", en=("Linking a debit card", "Add the card in the app."))

    results = search_articles("debit card", "id")

    assert results.slugs == ["only-english"]
    assert results.fallback_language == "en"
    assert results[0].language == "en"


def test_it_searches_chinese_first_when_the_query_is_chinese():
    article(
        "refund",
        id=("Cara refund", "Ajukan refund dari riwayat transaksi."),
        zh_hans=("如何申请退款", "在交易记录中申请退款。"),
    )

    results = search_articles("申请退款", "id")

    assert results.slugs == ["refund"]
    assert results[0].language == "zh-hans"


def test_it_never_returns_a_draft():
    article("published", en=("Top up your balance", "Transfer to your virtual account."))
    draft = article("draft", en=("Top up by card", "Use a linked card."))
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.DRAFT)

    assert search_articles("top up", "en").slugs == ["published"]


def test_it_ranks_the_ticket_category_asked_for_higher():
    payments = FaqCategoryFactory(ticket_category="payment_failed")
    refunds = FaqCategoryFactory(ticket_category="refund")
    ArticleFactory(slug="payment", category=payments, texts={"en": ("Money back", "Wait.")})
    ArticleFactory(slug="refund", category=refunds, texts={"en": ("Money back", "Wait.")})

    assert search_articles("money back", "en", ticket_category="refund").slugs[0] == "refund"
    assert search_articles("money back", "en", ticket_category="payment_failed").slugs[0] == (
        "payment"
    )


def test_it_escapes_the_snippet_and_marks_the_words_found():
    article(
        "xss",
        en=("Refund help", "Your refund <script>alert(1)</script> arrives in 3 < 5 days & more."),
        zh_hans=("退款帮助", "退款<b>很快</b>到账。"),
    )

    english = str(search_articles("refund", "en")[0].snippet)
    chinese = str(search_articles("退款", "zh-hans")[0].snippet)

    # ts_headline drops what looks like a tag; what is left is escaped.
    assert "<script" not in english
    assert "3 &lt; 5 days &amp; more" in english
    assert "<mark>refund</mark>" in english
    assert "<b>" not in chinese
    assert "&lt;b&gt;" in chinese
    assert "<mark>退款</mark>" in chinese


@pytest.mark.parametrize("query", ["", "   ", "!!!", "yang dan di"])
def test_it_returns_nothing_for_a_query_without_words(query):
    article("any", id=("Apa saja", "Isi."))

    results = search_articles(query, "id")

    assert list(results) == []


@pytest.mark.parametrize("query", ["refund & | ! ( ) : * '", "refund'); DROP TABLE x; --", "a:*"])
def test_it_treats_search_syntax_in_a_query_as_plain_words(query):
    article("refund", en=("Refund", "Refund text."))

    assert search_articles(query, "en").slugs in (["refund"], [])


def test_it_reindexes_a_translation_when_it_changes():
    item = article("changing", en=("Obsolete heading", "Nothing here."))
    translation = ArticleTranslation.objects.get(article=item, language="en")

    translation.title = "Virtual account top-up"
    translation.save()

    assert search_articles("virtual account", "en").slugs == ["changing"]
    assert search_articles("obsolete", "en").slugs == []


def test_it_indexes_each_languages_vectors_with_gin():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'faq_articletranslation' AND indexdef LIKE '%%USING gin%%'"
        )
        indexes = dict(cursor.fetchall())

    for language, suffix in (("id", "id"), ("en", "en"), ("zh-hans", "zh_hans")):
        for vector in ("head", "search"):
            definition = indexes[f"faq_translation_{vector}_{suffix}"]
            assert f"USING gin ({vector}_vector)" in definition
            assert f"WHERE ((language)::text = '{language}'::text)" in definition


def test_it_keeps_drafts_out_of_the_index_and_adds_them_when_published():
    item = article("soon", en=("Coming soon", "Text."))

    Article.objects.filter(pk=item.pk).unpublish()
    assert search_articles("coming soon", "en").slugs == []
    assert ArticleTranslation.objects.get(article=item).search_vector is None

    Article.objects.filter(pk=item.pk).publish()
    assert search_articles("coming soon", "en").slugs == ["soon"]


def test_it_limits_the_number_of_hits():
    for number in range(5):
        article(f"refund-{number}", en=(f"Refund {number}", "Refund."))

    assert len(search_articles("refund", "en", limit=3)) == 3
