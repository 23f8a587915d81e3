from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .languages import LANGUAGE_CODES, current_language
from .models import (
    Article,
    ArticleFeedback,
    ArticleTranslation,
    Category,
    CategoryTranslation,
    Deflection,
)

LATEST_COMMENTS = 20


class CategoryTranslationInline(admin.TabularInline):
    model = CategoryTranslation
    extra = 0
    min_num = 1
    max_num = len(LANGUAGE_CODES)
    fields = ["language", "name", "description"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "ticket_category", "position", "published_articles"]
    list_editable = ["position"]
    list_filter = ["ticket_category"]
    search_fields = ["slug", "translations__name"]
    inlines = [CategoryTranslationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("translations")
            .annotate(
                published=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED))
            )
        )

    @admin.display(description=_("name"))
    def name(self, obj: Category) -> str:
        return obj.as_topic(current_language()).name

    @admin.display(description=_("published articles"), ordering="published")
    def published_articles(self, obj: Category) -> int:
        return obj.published


class ArticleTranslationForm(forms.ModelForm):
    class Meta:
        model = ArticleTranslation
        fields = ["language", "title", "body", "search_text"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14, "cols": 90}),
            "search_text": forms.Textarea(attrs={"rows": 2, "cols": 90}),
        }


class ArticleTranslationInline(admin.StackedInline):
    model = ArticleTranslation
    form = ArticleTranslationForm
    extra = 0
    min_num = 1
    max_num = len(LANGUAGE_CODES)
    fields = ["language", "title", "body", "search_text", "preview"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj: ArticleTranslation) -> str:
        if not obj.pk:
            return _("Save to see the article as customers will.")
        # rendered_body is markdown sanitised by nh3 (faq.markdown): safe to insert as it is.
        return format_html('<div class="faq-admin-preview">{}</div>', obj.rendered_body)


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("missing translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("any", _("Any language")), *settings.LANGUAGES]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "any":
            return queryset.annotate(languages=Count("translations")).filter(
                languages__lt=len(LANGUAGE_CODES)
            )
        if value in LANGUAGE_CODES:
            return queryset.exclude(translations__language=value)
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "category",
        "status",
        "languages",
        "view_count",
        "helpful_yes_count",
        "helpful_no_count",
        "helpful_share",
        "updated_at",
    ]
    list_filter = ["status", "category", MissingTranslationFilter]
    search_fields = ["slug", "translations__title"]
    list_select_related = ["category"]
    autocomplete_fields = ["related_articles"]
    actions = ["publish", "unpublish"]
    inlines = [ArticleTranslationInline]
    readonly_fields = [
        "view_count",
        "helpful_yes_count",
        "helpful_no_count",
        "feedback_comments",
        "published_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["slug", "category", "status", "position", "related_articles"]}),
        (
            _("Views and feedback"),
            {
                "fields": [
                    "view_count",
                    ("helpful_yes_count", "helpful_no_count"),
                    "feedback_comments",
                ]
            },
        ),
        (_("Dates"), {"fields": ["published_at", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).prefetch_related("translations", "category__translations")
        )

    @admin.display(description=_("title"))
    def title(self, obj: Article) -> str:
        translation = obj.translation(current_language())
        return translation.title if translation else obj.slug

    @admin.display(description=_("languages"))
    def languages(self, obj: Article) -> str:
        present = {translation.language for translation in obj.translations.all()}
        return format_html_join(
            " ",
            '<span title="{}">{}</span>',
            (
                (
                    _("present") if code in present else _("missing"),
                    code if code in present else f"({code})",
                )
                for code in LANGUAGE_CODES
            ),
        )

    @admin.display(description=_("helpful %"))
    def helpful_share(self, obj: Article) -> str:
        share = obj.helpful_share
        return "\N{EN DASH}" if share is None else f"{round(share * 100)}%"

    @admin.display(description=_("latest comments"))
    def feedback_comments(self, obj: Article) -> str:
        comments = obj.feedback.exclude(comment="").order_by("-updated_at")[:LATEST_COMMENTS]
        if not comments:
            return _("No comments yet.")
        # Customer text: format_html_join escapes every comment.
        items = format_html_join(
            "",
            "<li><strong>{}</strong> ({}, {}): {}</li>",
            (
                (
                    _("Yes") if item.helpful else _("No"),
                    item.language,
                    item.updated_at.strftime("%Y-%m-%d"),
                    item.comment,
                )
                for item in comments
            ),
        )
        url = reverse("admin:faq_articlefeedback_changelist") + f"?article__id__exact={obj.pk}"
        return format_html('<ul>{}</ul><a href="{}">{}</a>', items, url, _("All feedback"))

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.publish()
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected articles"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.unpublish()
        self.message_user(
            request,
            ngettext(
                "%(count)d article moved back to draft.",
                "%(count)d articles moved back to draft.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class HasCommentFilter(admin.SimpleListFilter):
    title = _("comment")
    parameter_name = "commented"

    def lookups(self, request, model_admin):
        return [("yes", _("With a comment")), ("no", _("Without"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(comment="")
        if self.value() == "no":
            return queryset.filter(comment="")
        return queryset


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    """Customers' votes and comments: read-only; deleting one (spam) recounts the article."""

    list_display = ["article", "helpful", "short_comment", "language", "updated_at"]
    list_filter = ["helpful", HasCommentFilter, "language", "article__category"]
    search_fields = ["comment", "article__slug", "article__translations__title"]
    list_select_related = ["article"]
    date_hierarchy = "updated_at"
    fields = ["article", "helpful", "comment", "language", "created_at", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("article__translations")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("comment"))
    def short_comment(self, obj: ArticleFeedback) -> str:
        return Truncator(obj.comment).chars(80)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.recount_feedback([obj.article_id])

    def delete_queryset(self, request, queryset):
        article_ids = set(queryset.values_list("article_id", flat=True))
        super().delete_queryset(request, queryset)
        services.recount_feedback(article_ids)


@admin.register(Deflection)
class DeflectionAdmin(admin.ModelAdmin):
    """The raw events behind the deflection report (linked from this list)."""

    list_display = ["created_at", "kind", "ticket_category", "article", "language", "ticket"]
    list_filter = ["kind", "ticket_category", "language"]
    search_fields = ["article__slug", "ticket__reference"]
    list_select_related = ["article", "ticket"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "kind",
        "session",
        "article",
        "ticket_category",
        "language",
        "ticket",
        "created_at",
    ]
    # A million-row table: counting it for the paginator on every page is not worth it.
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("article__translations")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
