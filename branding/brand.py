"""The brand customers see: the settings (BRAND_*, DEFAULT_FROM_EMAIL) with what an admin set on
the Brand page, read once per process and kept (tickets/config_cache.py): a page or an email reads
it from memory, another process sees an admin's change within a second or so.

Names and the in-app chat path follow the language being rendered (a page's, an email's):
`brand.name` in a template is the name in that language.
"""

import hashlib
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr

import phonenumbers
from django.conf import settings
from django.db import DatabaseError
from django.urls import reverse
from django.utils import translation

from tickets.config_cache import ConfigCache

from . import colours
from .models import ONLY_ROW, Brand


def _language() -> str:
    """The language being rendered, as one of ours ("en-us" is "en")."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or "")
    except LookupError:
        return settings.LANGUAGE_CODE


@dataclass(frozen=True)
class CurrentBrand:
    names: dict[str, str]
    primary_colour: str
    # The address emails come from, and the sender name if one was given (else the name).
    sender_email: str
    sender_name: str = ""
    support_email: str = ""
    hotline: str = ""  # E.164
    website: str = ""
    app_chat_paths: dict[str, str] = field(default_factory=dict)
    social_accounts: tuple[str, ...] = ()
    logo_type: str = ""
    logo_sha256: str = ""

    @property
    def name(self) -> str:
        return self.names[_language()]

    @property
    def app_chat_path(self) -> str:
        return self.app_chat_paths.get(_language(), "")

    @property
    def hotline_display(self) -> str:
        """+62 21 5000 0000."""
        if not self.hotline:
            return ""
        number = phonenumbers.parse(self.hotline)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    @property
    def website_display(self) -> str:
        """wallet.example, as people read and type it."""
        return self.website.split("://", 1)[-1].removeprefix("www.").rstrip("/")

    @property
    def has_official_channels(self) -> bool:
        return bool(
            self.app_chat_path
            or self.website
            or self.hotline
            or self.support_email
            or self.social_accounts
        )

    @property
    def colours(self) -> dict[str, str]:
        return colours.shades(self.primary_colour)

    @property
    def version(self) -> str:
        """Changes with the colour or the logo: the stylesheet's and the logo's address carry
        it, so browsers keep them for a year and fetch them again after a change. The same in
        every process (it is made from the content, not the moment of loading)."""
        content = f"{self.primary_colour}|{self.logo_type}|{self.logo_sha256}".encode()
        return hashlib.sha256(content).hexdigest()[:12]

    @property
    def stylesheet_url(self) -> str:
        return f"{reverse('brand-stylesheet')}?v={self.version}"

    @property
    def favicon_url(self) -> str:
        return f"{reverse('favicon')}?v={self.version}"

    @property
    def logo_url(self) -> str:
        return f"{reverse('brand-logo')}?v={self.version}" if self.logo_type else ""

    def from_email(self, language: str) -> str:
        """The From of an email in `language`: "Example Wallet <help@helpdesk.localhost>"."""
        local, _at, domain = self.sender_email.rpartition("@")
        name = self.sender_name or self.names.get(language) or self.names[settings.LANGUAGE_CODE]
        return str(Address(display_name=name, username=local, domain=domain))


def from_settings() -> CurrentBrand:
    sender_name, sender_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return CurrentBrand(
        names=dict(settings.BRAND_NAME),
        primary_colour=settings.BRAND_PRIMARY_COLOUR,
        sender_email=sender_email,
        sender_name=sender_name,
        support_email=settings.BRAND_SUPPORT_EMAIL,
        hotline=settings.BRAND_HOTLINE,
        website=settings.BRAND_WEBSITE,
        app_chat_paths=dict(settings.BRAND_APP_CHAT_PATH),
        social_accounts=tuple(settings.BRAND_SOCIAL_ACCOUNTS),
    )


def _per_language(row: Brand, prefix: str, defaults: dict[str, str]) -> dict[str, str]:
    """The row's text in each language where it has one, else its text for all languages,
    else the setting's for that language."""
    common = getattr(row, prefix)
    return {
        code: getattr(row, f"{prefix}_{code.replace('-', '_')}") or common or defaults[code]
        for code, _language in settings.LANGUAGES
    }


def merge(defaults: CurrentBrand, row: Brand | None) -> CurrentBrand:
    if row is None:
        return defaults
    social_accounts = tuple(line.strip() for line in row.social_accounts.splitlines())
    return CurrentBrand(
        names=_per_language(row, "name", defaults.names),
        primary_colour=row.primary_colour or defaults.primary_colour,
        sender_email=row.sender_email or defaults.sender_email,
        sender_name=row.sender_name or defaults.sender_name,
        support_email=row.support_email or defaults.support_email,
        hotline=str(row.hotline.as_e164) if row.hotline else defaults.hotline,
        website=row.website or defaults.website,
        app_chat_paths=_per_language(row, "app_chat_path", defaults.app_chat_paths),
        social_accounts=tuple(filter(None, social_accounts)) or defaults.social_accounts,
        logo_type=row.logo_type,
        logo_sha256=row.logo_sha256,
    )


def _load() -> CurrentBrand:
    return merge(from_settings(), Brand.objects.defer("logo").filter(pk=ONLY_ROW).first())


def _load_logo() -> tuple[bytes, str] | None:
    """The logo's bytes and content type, loaded only by the processes that serve it."""
    row = Brand.objects.filter(pk=ONLY_ROW).exclude(logo_type="").values("logo", "logo_type")
    found = row.first()
    return (bytes(found["logo"]), found["logo_type"]) if found else None


BRAND = ConfigCache("brand", _load).watch(Brand)
LOGO = ConfigCache("brand-logo", _load_logo).watch(Brand)


def current_brand() -> CurrentBrand:
    return BRAND.get()


def last_known_brand() -> CurrentBrand:
    """For the error pages, which must draw when the database is what failed: the brand this
    process read last, without asking anything, or the settings' one."""
    return BRAND.last() or from_settings()


def brand_even_without_database() -> CurrentBrand:
    """The current brand, or the last known one when the database does not answer (the
    stylesheet and the logo of an error page)."""
    try:
        return current_brand()
    except DatabaseError:
        return last_known_brand()


def current_logo() -> tuple[bytes, str] | None:
    try:
        return LOGO.get()
    except DatabaseError:
        return LOGO.last()
