import pytest

from faq.models import ArticleFeedback
from tests.factories import ArticleFactory

from .conftest import problem_of, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(
        slug="qris-refund-time",
        texts={"en": ("How long does a QRIS refund take?", "Three **working** days.")},
    )


def test_it_lists_topics_and_articles_in_the_language_asked(api, article):
    topics = api.get("/api/v1/faq/categories/", {"lang": "en"}).json()
    articles = api.get("/api/v1/faq/articles/").json()
    detail = api.get(f"/api/v1/faq/articles/{article.slug}/").json()

    assert topics[0]["articles"][0]["slug"] == article.slug
    assert articles["results"][0]["title"] == "How long does a QRIS refund take?"
    assert "<strong>working</strong>" in detail["body_html"]


def test_it_searches_and_suggests(api, article):
    search = api.get("/api/v1/faq/search/", {"q": "refund"})
    suggestions = api.get("/api/v1/faq/suggestions/", {"q": "qris refund", "category": "refund"})
    empty = api.get("/api/v1/faq/search/", {"q": " "})

    assert search.status_code == 200
    assert [hit["slug"] for hit in search.json()["results"]] == [article.slug]
    assert suggestions.json()["results"][0]["slug"] == article.slug
    assert "q" in problem_of(empty)["errors"]


def test_it_records_feedback_once_per_voter_and_redacts_the_comment(customer, article):
    client = signed_in(customer)
    path = f"/api/v1/faq/articles/{article.slug}/feedback/"

    client.post(path, {"helpful": False}, format="json")
    response = client.post(
        path, {"helpful": True, "comment": "my card 4111 1111 1111 1111"}, format="json"
    )

    assert response.status_code == 200
    feedback = ArticleFeedback.objects.get()
    assert feedback.helpful
    assert "4111 1111 1111" not in feedback.comment
    article.refresh_from_db()
    assert (article.helpful_yes_count, article.helpful_no_count) == (1, 0)


def test_it_describes_each_category_and_its_fields(api):
    categories = {c["code"]: c for c in api.get("/api/v1/categories/").json()}

    fields = {f["name"]: f for f in categories["payment_failed"]["fields"]}
    assert fields["amount"]["type"] == "amount"
    assert fields["amount"]["required"]
    assert "qris" in fields["payment_method"]["choices"]
    assert categories["how_to"]["fields"] == []


def test_the_schema_documents_errors_auth_and_throttles(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert schema["openapi"].startswith("3.")
    assert {"apiKey", "guestLink", "cookieAuth"} <= set(schema["components"]["securitySchemes"])
    create = schema["paths"]["/api/v1/tickets/"]["post"]
    assert {"201", "400", "401", "422", "429"} <= set(create["responses"])
    assert "application/problem+json" in create["responses"]["429"]["content"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "401" in operation["responses"], (method, path)


def test_the_interactive_docs_are_served_offline(api):
    docs = api.get("/api/docs/")
    asset = api.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")

    assert docs.status_code == 200
    assert b"/api/schema/" in docs.content
    assert b"sidecar" in docs.content
    assert asset.status_code == 200


def test_a_problem_type_uri_resolves(api):
    assert api.get("/api/problems/throttled").json()["status"] == 429
