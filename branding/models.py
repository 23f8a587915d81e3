from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from . import colours

ONLY_ROW = 1


def validate_primary_colour(value: str) -> None:
    colour = colours.normalise(value)
    if colour is None or colour != value:
        raise ValidationError(
            _("Enter a colour as # and six hexadecimal digits, such as #2a5db0."),
            code="not_a_colour",
        )
    ratio = colours.white_text_contrast(colour)
    if ratio < colours.MIN_CONTRAST:
        raise ValidationError(
            _(
                "This colour is too light: white text on it has a contrast of only %(ratio)s:1, "
                "and text needs at least %(minimum)s:1 to be read. Choose a darker colour."
            ),
            code="too_light",
            params={"ratio": f"{ratio:.1f}", "minimum": colours.MIN_CONTRAST},
        )


class Brand(models.Model):
    """What an admin changed of the brand: one row, each blank field keeps its setting
    (BRAND_* and DEFAULT_FROM_EMAIL, README "Branding"). Read through branding.brand, which
    merges the two and keeps the result in each process."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY_ROW, editable=False)
    name = models.CharField(_("name"), max_length=60, blank=True)
    name_id = models.CharField(_("name in Bahasa Indonesia"), max_length=60, blank=True)
    name_en = models.CharField(_("name in English"), max_length=60, blank=True)
    name_zh_hans = models.CharField(_("name in Simplified Chinese"), max_length=60, blank=True)
    # The uploaded picture re-encoded (branding/logos.py): pixels only, small. Kept in the
    # database so every web process serves the same one without a shared disk.
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)
    logo_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, blank=True, validators=[validate_primary_colour]
    )
    sender_name = models.CharField(_("sender name of emails"), max_length=60, blank=True)
    sender_email = models.EmailField(_("sender address of emails"), blank=True)
    support_email = models.EmailField(_("support email address"), blank=True)
    hotline = PhoneNumberField(_("hotline"), blank=True)
    website = models.URLField(
        _("website"), blank=True, validators=[URLValidator(schemes=["https", "http"])]
    )
    app_chat_path = models.CharField(_("in-app chat path"), max_length=200, blank=True)
    app_chat_path_id = models.CharField(
        _("in-app chat path in Bahasa Indonesia"), max_length=200, blank=True
    )
    app_chat_path_en = models.CharField(
        _("in-app chat path in English"), max_length=200, blank=True
    )
    app_chat_path_zh_hans = models.CharField(
        _("in-app chat path in Simplified Chinese"), max_length=200, blank=True
    )
    social_accounts = models.TextField(_("social media accounts"), blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brand")
        constraints = [models.CheckConstraint(condition=Q(id=ONLY_ROW), name="brand_one_row")]

    def __str__(self) -> str:
        return str(_("Brand"))
