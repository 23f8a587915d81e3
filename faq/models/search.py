from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchWord(models.Model):
    """The words the articles of a language use, for correcting typos in a query.

    faq.search.indexing adds the words of every saved translation; `manage.py faq_reindex`
    rebuilds the list from scratch (dropping words no article uses any more). On PostgreSQL a
    trigram index (migration 0002) finds the nearest word to a misspelt one.
    """

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    word = models.CharField(_("word"), max_length=40)
    # The word as the language's text-search configuration indexes it ("crashes" -> "crash"),
    # on PostgreSQL; a query word with a known lexeme is not a typo.
    lexeme = models.CharField(_("lexeme"), max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        constraints = [
            models.UniqueConstraint(fields=["language", "word"], name="faq_search_word_unique")
        ]
        indexes = [
            # Used by typo correction: does an article use a word with this query word's stem?
            models.Index(fields=["language", "lexeme"], name="faq_search_word_lexeme"),
        ]

    def __str__(self) -> str:
        return f"{self.word} ({self.language})"
