"""The knowledge base we ship: categories.toml and one TOML file per article under articles/, each
with its text in every language (written for this project from what wallet customers ask).

load_content() reads and checks them; `manage.py seed_faq` puts them in the database.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from tickets.models import Category as TicketCategory

from ..languages import LANGUAGE_CODES

CONTENT_DIR = Path(__file__).resolve().parent


class ContentError(ValueError):
    pass


@dataclass(frozen=True)
class CategoryContent:
    slug: str
    ticket_category: str
    position: int
    texts: dict[str, dict[str, str]]  # language: {name, description}


@dataclass(frozen=True)
class ArticleContent:
    slug: str
    category: str
    position: int
    related: tuple[str, ...]
    texts: dict[str, dict[str, str]]  # language: {title, search_text, body}


def load_content(
    directory: Path = CONTENT_DIR,
) -> tuple[list[CategoryContent], list[ArticleContent]]:
    """Every category and article, checked: all languages present, known ticket categories,
    existing categories and related articles."""
    with open(directory / "categories.toml", "rb") as file:
        raw_categories = tomllib.load(file)["category"]
    categories = [
        CategoryContent(
            slug=item["slug"],
            ticket_category=item["ticket_category"],
            position=item["position"],
            texts={code: item[code] for code in LANGUAGE_CODES if code in item},
        )
        for item in raw_categories
    ]
    articles = []
    for path in sorted((directory / "articles").glob("*.toml")):
        with open(path, "rb") as file:
            item = tomllib.load(file)
        articles.append(
            ArticleContent(
                slug=path.stem,
                category=item["category"],
                position=item["position"],
                related=tuple(item.get("related", ())),
                texts={code: item[code] for code in LANGUAGE_CODES if code in item},
            )
        )
    _check(categories, articles)
    return categories, articles


def _check(categories: list[CategoryContent], articles: list[ArticleContent]) -> None:
    category_slugs = {category.slug for category in categories}
    article_slugs = {article.slug for article in articles}
    problems = []
    for category in categories:
        if category.ticket_category not in TicketCategory.Code.values:
            problems.append(f"{category.slug}: unknown ticket category {category.ticket_category}")
        if set(category.texts) != set(LANGUAGE_CODES):
            problems.append(f"{category.slug}: needs a name in {', '.join(LANGUAGE_CODES)}")
    for article in articles:
        if article.category not in category_slugs:
            problems.append(f"{article.slug}: unknown category {article.category}")
        if set(article.texts) != set(LANGUAGE_CODES):
            problems.append(f"{article.slug}: needs a text in {', '.join(LANGUAGE_CODES)}")
        for text in article.texts.values():
            if not text.get("title") or not text.get("body", "").strip():
                problems.append(f"{article.slug}: every language needs a title and a body")
        problems += [
            f"{article.slug}: unknown related article {slug}"
            for slug in article.related
            if slug not in article_slugs or slug == article.slug
        ]
    if problems:
        raise ContentError("; ".join(problems))
