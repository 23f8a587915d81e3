from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from faq.content import ArticleContent, CategoryContent, load_content
from faq.markdown import plain_text
from faq.models import Article, ArticleTranslation, Category, CategoryTranslation
from faq.search.indexing import index_translations


class Command(BaseCommand):
    help = (
        "Load the FAQ categories and articles we ship, each in id, en and zh-hans. Safe to run "
        "again: it only adds what is missing, so an admin's edits are kept (--update rewrites "
        "the shipped texts)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite the names, titles and bodies of shipped content with the files' text.",
        )

    @transaction.atomic
    def handle(self, *args, update: bool = False, **options) -> None:
        categories, articles = load_content()
        by_slug = {item.slug: self.ensure_category(item, update) for item in categories}
        created = 0
        saved = {}
        new_translations: list[ArticleTranslation] = []
        for item in articles:
            saved[item.slug], is_new = self.ensure_article(
                item, by_slug[item.category], update, new_translations
            )
            created += is_new
        # One insert and one indexing pass for all new translations rather than one per save().
        ArticleTranslation.objects.bulk_create(new_translations)
        index_translations(new_translations)
        for item in articles:
            saved[item.slug].related_articles.add(*(saved[slug] for slug in item.related))
        published = Article.objects.published().count()
        self.stdout.write(
            f"FAQ ready: {Category.objects.count()} categories, {published} published articles "
            f"({created} new)."
        )

    def ensure_category(self, item: CategoryContent, update: bool) -> Category:
        category, _ = Category.objects.get_or_create(
            slug=item.slug,
            defaults={"ticket_category": item.ticket_category, "position": item.position},
        )
        for language, text in item.texts.items():
            defaults = {"name": text["name"], "description": text.get("description", "")}
            if update:
                CategoryTranslation.objects.update_or_create(
                    category=category, language=language, defaults=defaults
                )
            else:
                CategoryTranslation.objects.get_or_create(
                    category=category, language=language, defaults=defaults
                )
        return category

    def ensure_article(
        self,
        item: ArticleContent,
        category: Category,
        update: bool,
        new_translations: list[ArticleTranslation],
    ) -> tuple[Article, bool]:
        article, created = Article.objects.get_or_create(
            slug=item.slug,
            defaults={
                "category": category,
                "position": item.position,
                "status": Article.Status.PUBLISHED,
                "published_at": timezone.now(),
            },
        )
        existing = {translation.language: translation for translation in article.translations.all()}
        for language, text in item.texts.items():
            translation = existing.get(language)
            if translation is not None and not update:
                continue
            fields = {
                "title": text["title"],
                "body": text["body"].strip() + "\n",
                "search_text": text.get("search_text", ""),
            }
            if translation is None:
                new_translations.append(
                    ArticleTranslation(
                        article=article,
                        language=language,
                        body_text=plain_text(fields["body"]),
                        **fields,
                    )
                )
            else:
                for name, value in fields.items():
                    setattr(translation, name, value)
                translation.save()
        return article, created
