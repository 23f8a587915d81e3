"""The content languages (the site's LANGUAGES) and the order in which the FAQ falls back between
them when an article has no translation in the language asked for."""

from django.conf import settings
from django.utils.translation import get_language

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)

# PostgreSQL text-search configuration per language. Chinese has no parser in PostgreSQL: its text
# is indexed as character bigrams (faq.search.text) under the `simple` configuration.
SEARCH_CONFIGS = {"id": "indonesian", "en": "english", "zh-hans": "simple"}


def known_language(code: str | None) -> str | None:
    """One of LANGUAGE_CODES: `zh-Hans`, `zh_hans`, `zh-CN` and `en-us` become `zh-hans` and
    `en`; None for a language we do not write in."""
    code = (code or "").strip().lower().replace("_", "-")
    if code in LANGUAGE_CODES:
        return code
    base = code.split("-")[0]
    for known in LANGUAGE_CODES:
        if known.split("-")[0] == base:
            return known
    return None


def normalize_language(code: str | None) -> str:
    """known_language, or the site's default language for anything unknown."""
    return known_language(code) or settings.LANGUAGE_CODE


def current_language() -> str:
    return normalize_language(get_language())


def fallback_order(language: str) -> list[str]:
    """The language asked for, then the site's default, then English, then the rest."""
    order = [normalize_language(language), settings.LANGUAGE_CODE, "en", *LANGUAGE_CODES]
    return list(dict.fromkeys(code for code in order if code in LANGUAGE_CODES))


def pick_translation(translations, language: str):
    """The translation in `language`, else the closest one by fallback_order, else None.

    `translations` is any iterable of rows with a `language` attribute (usually prefetched).
    """
    by_language = {translation.language: translation for translation in translations}
    for code in fallback_order(language):
        if code in by_language:
            return by_language[code]
    return None
