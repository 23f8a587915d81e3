"""The Brand page of Django admin: one row, each blank field keeping its setting."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tickets.forms import clean_phone_number

from . import colours
from .brand import current_brand, from_settings
from .logos import clean_logo
from .models import ONLY_ROW, Brand


def _keeps(setting: str, value: str):
    if not value:
        return _("Blank: none (the %(setting)s setting is empty).") % {"setting": setting}
    return _("Blank: “%(value)s”, the %(setting)s setting.") % {"setting": setting, "value": value}


class BrandForm(forms.ModelForm):
    logo_upload = forms.FileField(
        label=_("new logo"),
        required=False,
        help_text=_("A PNG, JPEG or WebP picture, checked by its content and re-encoded."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("remove the logo"), required=False)
    # Typed as people write numbers (0812..., 62812..., +62 21 ...), stored in E.164.
    hotline = forms.CharField(label=_("hotline"), max_length=40, required=False)
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Brand
        fields = [
            "name",
            "name_id",
            "name_en",
            "name_zh_hans",
            "primary_colour",
            "sender_name",
            "sender_email",
            "support_email",
            "hotline",
            "website",
            "app_chat_path",
            "app_chat_path_id",
            "app_chat_path_en",
            "app_chat_path_zh_hans",
            "social_accounts",
        ]
        widgets = {"social_accounts": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        defaults = from_settings()
        language = settings.LANGUAGE_CODE
        # Rendered per request: each text is in the admin's language.
        help_texts = {
            "name": _keeps("BRAND_NAME", defaults.names[language]),
            "primary_colour": " ".join(
                [
                    str(_("White text on it needs a contrast of at least 4.5:1.")),
                    _keeps("BRAND_PRIMARY_COLOUR", defaults.primary_colour),
                ]
            ),
            "sender_name": _keeps("DEFAULT_FROM_EMAIL", defaults.sender_name)
            if defaults.sender_name
            else _("Blank: the name, in the language of each email."),
            "sender_email": _keeps("DEFAULT_FROM_EMAIL", defaults.sender_email),
            "support_email": _keeps("BRAND_SUPPORT_EMAIL", defaults.support_email),
            "hotline": _keeps("BRAND_HOTLINE", defaults.hotline),
            "website": _keeps("BRAND_WEBSITE", defaults.website),
            "app_chat_path": " ".join(
                [
                    str(
                        _("Where customers find the chat in your app, e.g. Profile › Help › Chat.")
                    ),
                    _keeps("BRAND_APP_CHAT_PATH", defaults.app_chat_paths[language]),
                ]
            ),
            "social_accounts": " ".join(
                [
                    str(_("One per line, e.g. Instagram @example.")),
                    _keeps("BRAND_SOCIAL_ACCOUNTS", ", ".join(defaults.social_accounts)),
                ]
            ),
        }
        for code in ("id", "en", "zh_hans"):
            help_texts[f"name_{code}"] = _("Blank: the name above.")
            help_texts[f"app_chat_path_{code}"] = _("Blank: the path above.")
        for name, text in help_texts.items():
            self.fields[name].help_text = text

    def clean_primary_colour(self) -> str:
        value = self.cleaned_data["primary_colour"].strip()
        return colours.normalise(value) or value

    def clean_hotline(self) -> str:
        return clean_phone_number(self.cleaned_data["hotline"])

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        return clean_logo(upload) if upload else None

    def save(self, commit: bool = True) -> Brand:
        brand = super().save(commit=False)
        logo = self.cleaned_data.get("logo_upload")
        if logo is not None:
            brand.logo, brand.logo_type, brand.logo_sha256 = (
                logo.data,
                logo.content_type,
                logo.sha256,
            )
        elif self.cleaned_data.get("remove_logo"):
            brand.logo, brand.logo_type, brand.logo_sha256 = b"", "", ""
        if commit:
            brand.save()
        return brand


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    form = BrandForm
    readonly_fields = ["current_logo"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "name_id",
                    "name_en",
                    "name_zh_hans",
                    "current_logo",
                    "logo_upload",
                    "remove_logo",
                    "primary_colour",
                ]
            },
        ),
        (_("Emails"), {"fields": ["sender_name", "sender_email"]}),
        (
            _("Official channels"),
            {
                "description": _(
                    "Customers are told on every page and in every email that these are the "
                    "only ways you talk to them."
                ),
                "fields": [
                    "app_chat_path",
                    "app_chat_path_id",
                    "app_chat_path_en",
                    "app_chat_path_zh_hans",
                    "website",
                    "hotline",
                    "support_email",
                    "social_accounts",
                ],
            },
        ),
    ]

    @admin.display(description=_("logo"))
    def current_logo(self, brand: Brand) -> str:
        if not brand.logo_type:
            return _("None: the name is shown.")
        # An attribute, not a style: the Content-Security-Policy refuses inline styles.
        return format_html('<img src="{}" alt="" height="48">', current_brand().logo_url)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Brand.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Brand | None = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        """A list of one row is no list: straight to its form (or to the form that creates it)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if Brand.objects.filter(pk=ONLY_ROW).exists():
            return HttpResponseRedirect(reverse("admin:branding_brand_change", args=[ONLY_ROW]))
        return HttpResponseRedirect(reverse("admin:branding_brand_add"))
