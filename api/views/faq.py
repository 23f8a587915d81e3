"""The FAQ knowledge base under /api/v1/faq/: public, in the caller's language (Accept-Language
or ?lang=), with the same search, suggestions and feedback services as the help centre."""

import hashlib

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from faq import deflection, services
from faq.languages import current_language
from faq.models import Article
from faq.models import Category as FaqCategory
from faq.ratelimits import rate_limited
from faq.search import search_articles
from faq.search.text import MAX_QUERY_LENGTH
from faq.views import SUGGESTIONS
from faq.visitors import set_visitor_cookie, visitor_id

from .. import serializers
from ..pagination import PageNumbers
from ..throttles import THROTTLES

HIT_EXAMPLE = {
    "query": "refund qris",
    "language": "en",
    "corrected_query": "",
    "fallback_language": "",
    "results": [
        {
            "slug": "qris-refund-time",
            "title": "How long does a QRIS refund take?",
            "snippet": "A <mark>QRIS</mark> <mark>refund</mark> reaches your balance in ...",
            "language": "en",
            "category": "payments",
            "ticket_category": "refund",
            "rank": 0.82,
        }
    ],
}


def query_of(request, serializer_class=serializers.LanguageQuery) -> dict:
    """The request's query parameters, validated (a 400 problem names the wrong ones)."""
    # A plain dict: an empty value is then checked (`?lang=` is an error), not taken as absent.
    query = serializer_class(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return query.validated_data


def language_in(query: dict) -> str:
    """The language a validated query asks for, else the request's."""
    return query.get("lang") or current_language()


def language_of(request) -> str:
    return language_in(query_of(request))


def voter_id(request) -> str:
    """Who votes: a signed-in user (the same id on every device), else the help centre's
    anonymous visitor cookie (made here when missing)."""
    if request.user.is_authenticated:
        return hashlib.sha256(f"api-user:{request.user.pk}".encode()).hexdigest()[:32]
    return visitor_id(request._request, create=True)


def remember_visitor(request, response: Response) -> Response:
    """Set the visitor cookie faq.visitors made for this request, as @remembers_visitor does."""
    return set_visitor_cookie(request._request, response)


@extend_schema(
    summary="FAQ topics",
    description="The topics with published articles, each with its most read articles.",
    parameters=[serializers.LanguageQuery],
    responses=serializers.FaqCategorySerializer(many=True),
    tags=["faq"],
)
class FaqCategories(APIView):
    permission_classes = [AllowAny]

    def get(self, request) -> Response:
        topics = FaqCategory.objects.help_centre_topics(language_of(request), top=5)
        data = [
            {
                "slug": topic.slug,
                "name": topic.name,
                "description": topic.description,
                "ticket_category": topic.ticket_category,
                "articles": [
                    {"slug": a.slug, "title": a.title, "language": a.language}
                    for a in topic.articles
                ],
            }
            for topic in topics
        ]
        return Response(serializers.FaqCategorySerializer(data, many=True).data)


def article_data(article: Article, language: str, *, detail: bool = False) -> dict | None:
    translation = article.translation(language)
    if translation is None:
        return None
    data = {
        "slug": article.slug,
        "title": translation.title,
        "language": translation.language,
        "category": article.category.slug,
        "ticket_category": article.category.ticket_category,
        "published_at": article.published_at,
    }
    if detail:
        data |= {
            "body": translation.body,
            "body_html": translation.rendered_body,
            "helpful_yes": article.helpful_yes_count,
            "helpful_no": article.helpful_no_count,
        }
    return data


class ArticlePages(PageNumbers):
    page_size = 20


@extend_schema_view(
    get=extend_schema(
        summary="FAQ articles",
        description="Published articles, most read first; `category` filters by topic slug.",
        parameters=[serializers.FaqArticlesQuery],
        tags=["faq"],
    )
)
class FaqArticles(generics.ListAPIView):
    permission_classes = [AllowAny]
    pagination_class = ArticlePages
    serializer_class = serializers.FaqArticleSerializer

    def get_queryset(self):
        return (
            Article.objects.published()
            .by_popularity()
            .select_related("category")
            .prefetch_related("translations")
        )

    def list(self, request, *args, **kwargs):
        query = query_of(request, serializers.FaqArticlesQuery)  # checked once, before paging
        articles = self.get_queryset()
        if query.get("category"):
            articles = articles.filter(category__slug=query["category"])
        page = self.paginate_queryset(articles)
        language = language_in(query)
        data = [row for article in page if (row := article_data(article, language))]
        return self.get_paginated_response(serializers.FaqArticleSerializer(data, many=True).data)


@extend_schema(
    summary="An FAQ article",
    description="Its markdown and sanitised HTML, in the language asked or the nearest one.",
    parameters=[serializers.LanguageQuery],
    responses=serializers.FaqArticleDetailSerializer,
    tags=["faq"],
)
class FaqArticleDetail(APIView):
    permission_classes = [AllowAny]

    def get(self, request, slug: str) -> Response:
        article = get_object_or_404(
            Article.objects.published().select_related("category").prefetch_related("translations"),
            slug=slug,
        )
        data = article_data(article, language_of(request), detail=True)
        if data is None:
            raise Http404
        visitor = visitor_id(request._request) or request.META.get("REMOTE_ADDR", "")
        services.record_view(article=article, visitor=visitor)
        return Response(serializers.FaqArticleDetailSerializer(data).data)


class SearchView(APIView):
    permission_classes = [AllowAny]
    throttle_scope = "search"

    def get_throttles(self):
        return [throttle() for throttle in THROTTLES]

    @staticmethod
    def words(query: dict) -> str:
        return " ".join(query["q"].split())[:MAX_QUERY_LENGTH]


def results_data(results) -> dict:
    return serializers.FaqSearchSerializer(
        {
            "query": results.query,
            "language": results.language,
            "corrected_query": results.corrected_query,
            "fallback_language": results.fallback_language,
            "hits": list(results),
        }
    ).data


@extend_schema(
    summary="Search the FAQ",
    description="Full-text search in id, en and zh-hans, typo-tolerant; falls back to other "
    "languages when nothing matches (see `fallback_language`). Rate-limited.",
    parameters=[serializers.FaqSearchQuery],
    responses=serializers.FaqSearchSerializer,
    examples=[OpenApiExample("Refund", HIT_EXAMPLE, response_only=True)],
    extensions={"x-throttle": ["search-user", "search-ip"]},
    tags=["faq"],
)
class FaqSearch(SearchView):
    def get(self, request) -> Response:
        query = query_of(request, serializers.FaqSearchQuery)
        results = search_articles(self.words(query), language_in(query), limit=query["limit"])
        return Response(results_data(results))


@extend_schema(
    summary="Suggestions for a ticket subject",
    description="What the ticket form shows while the customer types: up to 3 articles for "
    "the subject so far, ranked towards the chosen ticket category. Counted for the "
    "deflection report. Rate-limited.",
    parameters=[serializers.FaqSuggestionsQuery],
    responses=serializers.FaqSearchSerializer,
    examples=[OpenApiExample("Refund", HIT_EXAMPLE, response_only=True)],
    extensions={"x-throttle": ["search-user", "search-ip"]},
    tags=["faq"],
)
class FaqSuggestions(SearchView):
    def get(self, request) -> Response:
        query = query_of(request, serializers.FaqSuggestionsQuery)
        topic = query.get("category", "")
        results = search_articles(
            self.words(query), language_in(query), limit=SUGGESTIONS, ticket_category=topic or None
        )
        if results:
            deflection.record_suggestions_shown(
                request._request, [hit.article_id for hit in results], topic
            )
        return remember_visitor(request, Response(results_data(results)))


@extend_schema(
    summary='"Was this helpful?"',
    description="The caller's vote on an article, changeable; a comment is redacted like "
    "ticket messages.",
    request=serializers.FaqFeedbackSerializer,
    responses=serializers.FaqFeedbackOutSerializer,
    examples=[
        OpenApiExample("Helpful", {"helpful": True, "comment": "Clear, thanks"}, request_only=True)
    ],
    tags=["faq"],
)
class FaqFeedback(APIView):
    permission_classes = [AllowAny]

    def post(self, request, slug: str) -> Response:
        article = get_object_or_404(Article.objects.published(), slug=slug)
        if rate_limited(request._request, "faq-feedback"):
            raise exceptions.Throttled()
        serializer = serializers.FaqFeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = services.record_feedback(
            article=article,
            session=voter_id(request),
            language=language_of(request),
            helpful=serializer.validated_data["helpful"],
            comment=serializer.validated_data.get("comment", ""),
        )
        data = serializers.FaqFeedbackOutSerializer(feedback).data
        return remember_visitor(request, Response(data))
