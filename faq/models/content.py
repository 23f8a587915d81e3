"""Categories and articles of the knowledge base, each with one translation per language."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, FloatField, OuterRef, Prefetch
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Category as TicketCategory

from ..languages import pick_translation


@dataclass(frozen=True)
class TopicArticle:
    """An article as the help centre lists it: already translated, with its address."""

    slug: str
    title: str
    url: str
    language: str


@dataclass(frozen=True)
class Topic:
    """A category as the help centre lists it, with its top articles (see help_centre_topics)."""

    slug: str
    name: str
    description: str
    ticket_category: str
    url: str
    articles: list[TopicArticle] = field(default_factory=list)


class CategoryQuerySet(models.QuerySet):
    def with_published_articles(self) -> "CategoryQuerySet":
        published = Article.objects.published().filter(category=OuterRef("pk"))
        return self.filter(Exists(published))

    def help_centre_topics(self, language: str, *, top: int = 3) -> list[Topic]:
        """The categories that have published articles, in their order, each with its `top` most
        popular published articles, translated into `language` (or the nearest language).

        Four queries whatever the number of categories: categories, their translations, the top
        articles (one window query), and those articles' translations.
        """
        top_articles = Article.objects.published().by_popularity()[:top]
        categories = self.with_published_articles().prefetch_related(
            "translations",
            Prefetch("articles", queryset=top_articles, to_attr="top_articles"),
            "top_articles__translations",
        )
        return [category.as_topic(language) for category in categories]


class Category(models.Model):
    """A topic of the knowledge base ("Payments", "Refunds"...), mapped to the ticket category a
    customer is sent to when its articles do not help."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    ticket_category = models.CharField(
        _("ticket category"),
        max_length=32,
        choices=TicketCategory.Code.choices,
        help_text=_('"Still need help?" on its articles opens the ticket form of this topic.'),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("FAQ category")
        verbose_name_plural = _("FAQ categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        translation = self.translation(settings.LANGUAGE_CODE)
        return translation.name if translation else self.slug

    def get_absolute_url(self) -> str:
        return reverse("faq:category", args=[self.slug])

    def translation(self, language: str) -> "CategoryTranslation | None":
        return pick_translation(self.translations.all(), language)

    def as_topic(self, language: str) -> Topic:
        translation = self.translation(language)
        return Topic(
            slug=self.slug,
            name=translation.name if translation else self.slug,
            description=translation.description if translation else "",
            ticket_category=self.ticket_category,
            url=self.get_absolute_url(),
            articles=[
                link
                for article in getattr(self, "top_articles", [])
                if (link := article.as_link(language)) is not None
            ],
        )


class CategoryTranslation(models.Model):
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("category"),
        db_index=False,  # the unique (category, language) index serves look-ups by category
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("category translation")
        verbose_name_plural = _("category translations")
        ordering = ["category", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "language"], name="faq_category_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        return self.filter(status=Article.Status.PUBLISHED)

    def by_popularity(self) -> "ArticleQuerySet":
        # Views weighted by the share of helpful votes, smoothed (+1 / +2) so that an article
        # with two votes is not judged on them alone. Ties keep the editors' order.
        yes = Cast("helpful_yes_count", FloatField())
        no = Cast("helpful_no_count", FloatField())
        return self.annotate(
            popularity=Cast("view_count", FloatField()) * (yes + 1.0) / (yes + no + 2.0)
        ).order_by("-popularity", "position", "pk")

    def publish(self) -> int:
        """Publish the drafts that have at least one translation and make them searchable;
        returns how many."""
        has_text = ArticleTranslation.objects.filter(article=OuterRef("pk"))
        ids = list(
            self.filter(Exists(has_text))
            .exclude(status=Article.Status.PUBLISHED)
            .values_list("pk", flat=True)
        )
        now = timezone.now()
        drafts = Article.objects.filter(pk__in=ids)
        drafts.filter(published_at=None).update(published_at=now)
        drafts.update(status=Article.Status.PUBLISHED, updated_at=now)
        _reindex(ids)
        return len(ids)

    def unpublish(self) -> int:
        """Move published articles back to draft, out of search; returns how many."""
        ids = list(self.published().values_list("pk", flat=True))
        Article.objects.filter(pk__in=ids).update(
            status=Article.Status.DRAFT, updated_at=timezone.now()
        )
        _reindex(ids)
        return len(ids)


def _reindex(article_ids: list[int]) -> None:
    from ..search.indexing import index_translations

    index_translations(ArticleTranslation.objects.filter(article_id__in=article_ids))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("category"),
        db_index=False,  # faq_article_category (category, status, position) serves it
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order within the category (lowest first).")
    )
    related_articles = models.ManyToManyField(
        "self", symmetrical=False, blank=True, verbose_name=_("related articles")
    )
    # Counters, changed only by faq.services with F() updates so concurrent requests never lose
    # a count; the feedback rows stay the record they are computed from.
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    helpful_yes_count = models.PositiveIntegerField(_("helpful"), default=0, editable=False)
    helpful_no_count = models.PositiveIntegerField(_("not helpful"), default=0, editable=False)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("FAQ article")
        verbose_name_plural = _("FAQ articles")
        ordering = ["category", "position", "pk"]
        indexes = [
            # Used by category pages: a category's published articles in the editors' order.
            models.Index(fields=["category", "status", "position"], name="faq_article_category")
        ]

    def __str__(self) -> str:
        translation = self.translation(settings.LANGUAGE_CODE)
        return translation.title if translation else self.slug

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # Only published articles are in the search index: a status change (in the admin form)
        # adds or removes this article's translations. A handful of rows, so always.
        _reindex([self.pk])

    def get_absolute_url(self) -> str:
        return reverse("faq:article", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def translation(self, language: str) -> "ArticleTranslation | None":
        return pick_translation(self.translations.all(), language)

    def as_link(self, language: str) -> TopicArticle | None:
        translation = self.translation(language)
        if translation is None:
            return None
        return TopicArticle(
            slug=self.slug,
            title=translation.title,
            url=self.get_absolute_url(),
            language=translation.language,
        )

    @property
    def helpful_share(self) -> float | None:
        """The share of "yes" votes, or None before the first vote."""
        votes = self.helpful_yes_count + self.helpful_no_count
        return self.helpful_yes_count / votes if votes else None


class ArticleTranslation(models.Model):
    """An article in one language. Saving it refreshes its search index (faq.search.indexing)."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("article"),
        db_index=False,  # the unique (article, language) index serves look-ups by article
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown: ## headings, **bold**, lists, [links](https://...). Raw HTML is shown "
            "as text; links may only be http, https or mailto."
        ),
    )
    search_text = models.TextField(
        _("search text"),
        blank=True,
        help_text=_(
            "Other words customers use for this, never shown: synonyms, slang, common "
            "misspellings (e.g. 'kepotong, ga masuk, refund, balikin dana')."
        ),
    )
    # Derived on save: the body as plain text (snippets, the SQLite search) and, on PostgreSQL,
    # two text-search vectors: the whole translation (title A, search text B, body C) and its
    # head (title A, search text B). The head is small enough to rank thousands of matches
    # quickly; the whole one re-ranks the best of them (faq.search.postgres).
    body_text = models.TextField(editable=False, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    head_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        ordering = ["article", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="faq_article_translation_unique"
            )
        ]
        # The GIN indexes on search_vector and the trigram index live in migration 0002: they
        # exist only on PostgreSQL.

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def save(self, *args, **kwargs) -> None:
        from ..markdown import plain_text
        from ..search.indexing import index_translations

        self.body_text = plain_text(self.body)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_text", "updated_at"}
        super().save(*args, **kwargs)
        index_translations([self])

    @property
    def rendered_body(self) -> str:
        from ..markdown import render_markdown

        return render_markdown(self.body)
