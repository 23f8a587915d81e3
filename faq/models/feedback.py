from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 1000


class ArticleFeedback(models.Model):
    """A visitor's answer to "was this helpful?": one per article and session, changeable.

    The comment is customer text: limited in length and only ever rendered escaped.
    """

    article = models.ForeignKey(
        "faq.Article",
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("article"),
        db_index=False,  # the unique (article, session) index serves look-ups by article
    )
    # The visitor's anonymous id (faq.visitors: a random value in a signed cookie that lasts as
    # long as a session), never a session key.
    session = models.CharField(_("session"), max_length=32)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            # The real guard of "one vote per session": two tabs voting at once cannot both insert.
            models.UniqueConstraint(
                fields=["article", "session"], name="faq_feedback_one_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{'+' if self.helpful else '-'} {self.article_id} ({self.language})"
