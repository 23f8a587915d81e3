"""The FAQ pages under /help/: index, search, topic, article (with "was this helpful?" and the
"this solved my problem" end of a deflection journey), the ticket form's suggestions, and the
deflection report for leads and admins."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tickets import roles
from tickets.redaction import redact

from . import deflection, services
from .forms import FeedbackForm
from .languages import current_language, normalize_language
from .links import ticket_form_url
from .models import Article, ArticleFeedback, Category, TopicArticle
from .ratelimits import rate_limited
from .search import search_articles
from .search.text import MAX_QUERY_LENGTH, has_chinese
from .visitors import remembers_visitor, visitor_id

INDEX_TOP_ARTICLES = 5
SEARCH_RESULTS = 20
# On a phone the subject field, three suggestions and the form must still fit together.
SUGGESTIONS = 3
RELATED_ARTICLES = 4
# Suggestions start once the subject says something: three letters, or two Chinese characters.
MIN_SUGGEST_LENGTH = 3
MIN_SUGGEST_LENGTH_CHINESE = 2
REPORT_PERIODS = (7, 30, 90)
DEFAULT_REPORT_PERIOD = 30


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "faq/too_many_requests.html", status=429)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    topics = Category.objects.help_centre_topics(current_language(), top=INDEX_TOP_ARTICLES)
    return render(request, "faq/index.html", {"topics": topics})


SEARCH_SESSION_KEY = "faq_search_query"


def _typed_query(data) -> str:
    """What the visitor typed, on one line, shortened, and redacted: a card number pasted into
    the search box must not reach the session table or a results page."""
    query = " ".join((data.get("q") or "").split())[:MAX_QUERY_LENGTH]
    return redact(query).text


@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """The search box POSTs what was typed (a URL would carry it into access logs and the
    browser's history) and is redirected to this page, which shows that search's results from
    the session. A plain ?q= link, as older pages made, still works."""
    if request.method == "POST":
        request.session[SEARCH_SESSION_KEY] = _typed_query(request.POST)
        return redirect("faq:search", permanent=False)
    if "q" in request.GET:
        query = _typed_query(request.GET)
    else:
        query = request.session.get(SEARCH_SESSION_KEY, "")
    results = None
    if query:
        if rate_limited(request, "faq-search"):
            return too_many_requests(request)
        results = search_articles(query, current_language(), limit=SEARCH_RESULTS)
    return render(request, "faq/search.html", {"query": query, "results": results})


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    language = current_language()
    category = get_object_or_404(Category.objects.prefetch_related("translations"), slug=slug)
    articles = (
        category.articles.published().order_by("position", "pk").prefetch_related("translations")
    )
    links = [link for article in articles if (link := article.as_link(language))]
    if not links:
        raise Http404
    return render(
        request,
        "faq/category.html",
        {
            "category": category,
            "topic": category.as_topic(language),
            "articles": links,
            "ticket_url": ticket_form_url(category.ticket_category),
        },
    )


def _article_or_404(request: HttpRequest, slug: str) -> Article:
    """A published article; a draft only for staff allowed to see it in the admin (preview)."""
    article = get_object_or_404(
        Article.objects.select_related("category").prefetch_related(
            "translations", "category__translations"
        ),
        slug=slug,
    )
    if not article.is_published and not request.user.has_perm("faq.view_article"):
        raise Http404
    return article


def _related(article: Article, language: str) -> list[TopicArticle]:
    """The editors' related articles; without them, the most popular of the same topic."""
    related = list(
        article.related_articles.published().prefetch_related("translations")[:RELATED_ARTICLES]
    )
    if not related:
        related = list(
            Article.objects.published()
            .filter(category_id=article.category_id)
            .exclude(pk=article.pk)
            .by_popularity()
            .prefetch_related("translations")[: RELATED_ARTICLES - 1]
        )
    return [link for item in related if (link := item.as_link(language))]


@remembers_visitor
@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_or_404(request, slug)
    language = current_language()
    asked = request.GET.get("lang")
    translation = article.translation(normalize_language(asked) if asked else language)
    if translation is None:
        raise Http404
    from_suggestion = request.GET.get("from") == "suggestion"
    topic = deflection.valid_ticket_category(request.GET.get("topic"))
    topic = topic or article.category.ticket_category
    if article.is_published:
        visitor = visitor_id(request) or request.META.get("REMOTE_ADDR", "")
        services.record_view(article=article, visitor=visitor)
        if from_suggestion:
            deflection.record_article_opened(request, article, topic)
    visitor = visitor_id(request)
    vote = (
        ArticleFeedback.objects.filter(article=article, session=visitor).first()
        if visitor
        else None
    )
    languages = dict(settings.LANGUAGES)
    other_languages = [
        {
            "code": other.language,
            "name": languages[other.language],
            "url": f"{article.get_absolute_url()}?{urlencode({'lang': other.language})}",
        }
        for other in article.translations.all()
        if other.language != translation.language
    ]
    return render(
        request,
        "faq/article.html",
        {
            "article": article,
            "translation": translation,
            "category_name": article.category.as_topic(language).name,
            "language_missing": not asked and translation.language != language,
            "other_languages": other_languages,
            "from_suggestion": from_suggestion,
            "topic": topic,
            "vote": vote,
            "form": FeedbackForm(),
            "related": _related(article, language),
            "ticket_url": ticket_form_url(topic, article.slug),
            "back_to_form_url": ticket_form_url(topic),
        },
    )


@remembers_visitor
@require_POST
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if rate_limited(request, "faq-feedback"):
        return too_many_requests(request)
    language = normalize_language(request.POST.get("lang") or current_language())
    form = FeedbackForm(request.POST)
    vote = None
    if form.is_valid():
        vote = services.record_feedback(
            article=article,
            session=visitor_id(request, create=True),
            language=language,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
        )
        form = FeedbackForm()
    elif visitor := visitor_id(request):
        vote = ArticleFeedback.objects.filter(article=article, session=visitor).first()
    if request.htmx:
        context = {"article": article, "vote": vote, "form": form, "language": language}
        return render(request, "faq/_feedback.html", context)
    if form.errors:
        for error in form.errors.get("comment", []) or [_("Please choose yes or no.")]:
            messages.error(request, error)
    elif vote.comment and request.POST.get("comment", "").strip():
        messages.success(request, _("Thank you for your comment."))
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect(f"{article.get_absolute_url()}#faq-feedback")


@never_cache
@remembers_visitor
@require_POST
def suggest(request: HttpRequest) -> HttpResponse:
    """The ticket form's suggestions: an HTML fragment of the best matches for the subject typed
    so far, or an empty response. Counts the articles shown (once per session and article).
    POST only: the subject may hold what no URL should carry (docs/redaction.md)."""
    data = request.POST
    query = " ".join((data.get("q") or data.get("subject") or "").split())[:MAX_QUERY_LENGTH]
    minimum = MIN_SUGGEST_LENGTH_CHINESE if has_chinese(query) else MIN_SUGGEST_LENGTH
    if len(query) < minimum:
        return HttpResponse("")
    if rate_limited(request, "faq-suggest"):
        return HttpResponse("", status=429)
    topic = deflection.valid_ticket_category(data.get("topic"))
    results = search_articles(
        query, current_language(), limit=SUGGESTIONS, ticket_category=topic or None
    )
    if not results:
        return HttpResponse("")
    deflection.record_suggestions_shown(request, [hit.article_id for hit in results], topic)
    return render(request, "faq/_suggestions.html", {"results": results, "topic": topic})


@remembers_visitor
@require_POST
def solved(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published().select_related("category"), slug=slug)
    if rate_limited(request, "faq-solved"):
        return too_many_requests(request)
    deflection.record_solved(request, article, request.POST.get("topic", ""))
    return redirect(f"{reverse('faq:solved-thanks')}?{urlencode({'article': article.slug})}")


@require_GET
def solved_thanks(request: HttpRequest) -> HttpResponse:
    article = (
        Article.objects.published()
        .prefetch_related("translations")
        .filter(slug=request.GET.get("article", ""))
        .first()
    )
    link = article.as_link(current_language()) if article else None
    return render(request, "faq/solved.html", {"article": link})


def _login_url() -> str:
    try:
        return reverse(settings.LOGIN_URL)
    except NoReverseMatch:
        return reverse("admin:login")


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """Deflection per ticket category and the articles that deflect most: leads and admins."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), _login_url())
    if not roles.is_lead(request.user):
        raise PermissionDenied
    try:
        days = int(request.GET.get("days", DEFAULT_REPORT_PERIOD))
    except ValueError:
        days = DEFAULT_REPORT_PERIOD
    if days not in REPORT_PERIODS:
        days = DEFAULT_REPORT_PERIOD
    now = timezone.now()
    report = deflection.deflection_report(since=now - timedelta(days=days), until=now)
    return render(
        request, "faq/report.html", {"report": report, "days": days, "periods": REPORT_PERIODS}
    )
