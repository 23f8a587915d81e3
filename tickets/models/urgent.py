import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .tickets import Category

# Languages in the order a missing text falls back through (an urgent step in another of our
# languages helps more than none).
FALLBACK = ("en", "id", "zh_hans")
TEL = re.compile(r"tel:\+?[0-9][0-9 .\-]{2,30}")
WEB = URLValidator(schemes=["https", "http"])


def validate_route_link(value: str) -> None:
    """A web page (http or https) or a phone number (tel:): nothing a browser would run."""
    if value.lower().startswith("tel:"):
        if TEL.fullmatch(value):
            return
    else:
        try:
            WEB(value)
            return
        except ValidationError:
            pass
    raise ValidationError(
        _("Enter a web address starting with https:// or a phone number such as tel:+62215000000."),
        code="bad_link",
    )


class UrgentRoute(models.Model):
    """What a customer should do at once for a topic, before we answer: block the account in
    the app, call the hotline. Shown on the topic's form, the confirmation and the request's
    page while it is open. Admins write it in each language; numbers come from here or the
    Brand page's hotline, never from code."""

    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        related_name="urgent_routes",
        verbose_name=_("category"),
    )
    instruction_id = models.CharField(
        _("what to do now (Bahasa Indonesia)"), max_length=300, blank=True
    )
    instruction_en = models.CharField(_("what to do now (English)"), max_length=300, blank=True)
    instruction_zh_hans = models.CharField(
        _("what to do now (简体中文)"), max_length=300, blank=True
    )
    link = models.CharField(
        _("link"),
        max_length=300,
        blank=True,
        validators=[validate_route_link],
        help_text=_("A web page (https://...) or a phone number (tel:+62...)."),
    )
    link_label_id = models.CharField(_("link text (Bahasa Indonesia)"), max_length=100, blank=True)
    link_label_en = models.CharField(_("link text (English)"), max_length=100, blank=True)
    link_label_zh_hans = models.CharField(_("link text (简体中文)"), max_length=100, blank=True)
    show_hotline = models.BooleanField(
        _("show the hotline"),
        default=False,
        help_text=_("Adds a button to call the hotline set on the Brand page."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("shown to customers"), default=True)

    class Meta:
        verbose_name = _("urgent route")
        verbose_name_plural = _("urgent routes")
        ordering = ["category", "position", "id"]

    def __str__(self) -> str:
        return f"{self.category_id}: {self.instruction() or self.link}"

    def clean(self) -> None:
        if not (self.instruction() or self.link or self.show_hotline):
            raise ValidationError(
                _("Write what the customer should do, or give a link or the hotline.")
            )
        if self.link and not self.link_label():
            raise ValidationError({"link_label_en": _("Say what the link does.")})

    def _text(self, field: str, language: str | None) -> str:
        language = (language or get_language() or "id").replace("-", "_").lower()
        for code in (language, *FALLBACK):
            value = getattr(self, f"{field}_{code}", "")
            if value:
                return value
        return ""

    def instruction(self, language: str | None = None) -> str:
        """In the language, else in the first of English, Indonesian, Chinese written."""
        return self._text("instruction", language)

    def link_label(self, language: str | None = None) -> str:
        return self._text("link_label", language)
