"""The schema and the API agree, case by case: what the schema allows the API accepts, what it
forbids the API refuses with a 400 naming the field (schemathesis explores the same at random;
these are the cases found by attacking the API, kept)."""

import copy
from datetime import datetime

import jsonschema
import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.test import override_settings

from tests.factories import ArticleFactory
from tickets.models import Ticket

from .conftest import problem_of, signed_in

VALID_DETAILS = {
    "payment_failed": {
        "transaction_reference": "trx-20261121-8f3k2q",
        "amount": "Rp 45.000",
        "currency": "IDR",
        "occurred_at": "2026-11-21T08:14:00+07:00",
        "payment_method": "bank_card",
        "merchant": "Kedai Kopi Senopati",
        "card_last4": "4242",
    },
    "refund": {
        "transaction_reference": "2611211234567890123",
        "amount": 125000,
        "currency": "IDR",
        "transaction_date": "2026-11-20",
        "merchant": "Tokopedia",
        "reason": "Barang tidak dikirim",
        "refund_requested_on": None,
    },
    "account_access": {
        "registered_phone": "+62 812-3456-7890",
        "registered_email": "siti@example.com",
        "what_happened": "locked_wrong_pin",
    },
    "suspicious_transaction": {
        "transaction_references": "TRX-20261121-8F3K2Q, TRX-20261122-9A1B2C",
        "amount": "1.850.000",
        "currency": "IDR",
        "occurred_at": "2026-11-21T02:10:00Z",
        "freeze_account": True,
    },
    "complaint": {"about": "delay", "earlier_reference": "gp-7k3m9q"},
    "how_to": {},
    "app_problem": {
        "device": "Samsung A14",
        "os": "Android 14",
        "app_version": "5.12.1",
        "network": "4g",
    },
}

# (category, field, value): refused by the schema and by the API, the error naming the field.
INVALID_DETAILS = [
    ("payment_failed", "amount", "0"),
    ("payment_failed", "amount", "0,00"),
    ("payment_failed", "amount", "-5"),
    ("payment_failed", "amount", "empat puluh ribu"),
    ("payment_failed", "amount", 0),
    ("payment_failed", "amount", 45000.5),
    ("payment_failed", "amount", True),
    ("payment_failed", "currency", "EUR"),
    ("payment_failed", "currency", "idr"),
    ("payment_failed", "card_last4", "42a2"),
    ("payment_failed", "card_last4", "4111111111111111"),
    ("payment_failed", "card_last4", None),  # paid by bank card: the last 4 are needed
    ("payment_failed", "transaction_reference", "abc"),
    ("payment_failed", "transaction_reference", "TRX 2026 1121"),
    ("payment_failed", "merchant", "   "),
    ("payment_failed", "merchant", ""),
    ("payment_failed", "merchant", ["Kopi"]),
    ("payment_failed", "merchant", {"name": "Kopi"}),
    ("payment_failed", "payment_method", "cash"),
    ("payment_failed", "occurred_at", "kemarin sore"),
    ("refund", "transaction_date", "21/11/2026"),
    ("refund", "reason", "x" * 301),
    ("account_access", "registered_phone", "0812"),
    ("account_access", "registered_phone", "+62+8123456789"),
    ("account_access", "registered_email", "siti@"),
    ("account_access", "what_happened", "hacked"),
    ("suspicious_transaction", "freeze_account", "maybe"),
    ("suspicious_transaction", "freeze_account", 1),
    ("suspicious_transaction", "transaction_references", "TRX-1, TRX-2"),
    ("complaint", "earlier_reference", "XYZ"),
    ("complaint", "about", None),
    ("app_problem", "app_version", "v5"),
    ("app_problem", "network", "lte"),
    ("how_to", "colour", "red"),
    ("payment_failed", "colour", "red"),
]


def jsonschema_of(openapi: dict) -> dict:
    """OpenAPI 3.0's `nullable` as JSON Schema's null type, recursively."""
    if isinstance(openapi, list):
        return [jsonschema_of(item) for item in openapi]
    if not isinstance(openapi, dict):
        return openapi
    schema = {key: jsonschema_of(value) for key, value in openapi.items() if key != "nullable"}
    if openapi.get("nullable"):
        if "type" in schema:
            schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


@pytest.fixture(scope="module")
def ticket_schema(django_db_blocker):
    """A validator of TicketCreateRequest, formats (date, date-time, email) checked."""
    with django_db_blocker.unblock():
        from drf_spectacular.generators import SchemaGenerator

        schema = SchemaGenerator().get_schema(request=None, public=True)
    root = {"$ref": "#/components/schemas/TicketCreateRequest", **jsonschema_of(schema)}
    formats = jsonschema.FormatChecker()
    formats.checks("date-time", raises=ValueError)(
        lambda value: datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo
    )
    formats.checks("email", raises=DjangoValidationError)(
        lambda value: validate_email(value) or True
    )
    return jsonschema.Draft4Validator(root, format_checker=formats)


def body(category: str, details: dict) -> dict:
    return {
        "category": category,
        "subject": "Tolong dibantu",
        "description": "Saldo terpotong tapi transaksi gagal.",
        "details": details,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("category", sorted(VALID_DETAILS))
def test_what_the_schema_allows_each_category_the_api_accepts(category, ticket_schema, customer):
    data = body(category, VALID_DETAILS[category])
    ticket_schema.validate(data)

    response = signed_in(customer).post("/api/v1/tickets/", data, format="json")

    assert response.status_code == 201, response.content


@pytest.mark.django_db
@pytest.mark.parametrize(("category", "field", "value"), INVALID_DETAILS)
def test_what_the_schema_forbids_in_details_the_api_refuses(
    category, field, value, ticket_schema, customer
):
    details = copy.deepcopy(VALID_DETAILS[category])
    details[field] = value
    data = body(category, details)
    with pytest.raises(jsonschema.ValidationError):
        ticket_schema.validate(data)

    response = signed_in(customer).post("/api/v1/tickets/", data, format="json")

    assert response.status_code == 400, response.content
    assert f"details.{field}" in problem_of(response)["errors"]
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_detail_of_another_category_is_refused_by_both(ticket_schema, customer):
    data = body("complaint", VALID_DETAILS["refund"])
    with pytest.raises(jsonschema.ValidationError):
        ticket_schema.validate(data)

    response = signed_in(customer).post("/api/v1/tickets/", data, format="json")

    assert response.status_code == 400
    assert "details.merchant" in problem_of(response)["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "data", "field"),
    [
        ("post", "/api/v1/tickets/", {"priority": "urgent"}, "priority"),
        ("post", "/api/v1/tickets/", {"queue": "refunds"}, "queue"),
        ("patch", "/api/v1/me/", {"langauge": "en"}, "langauge"),
        ("post", "/api/v1/faq/articles/qris-refund-time/feedback/", {"helpfull": True}, "helpfull"),
    ],
)
def test_a_field_the_operation_does_not_have_is_named_not_ignored(
    method, path, data, field, customer
):
    ArticleFactory(slug="qris-refund-time")
    if path == "/api/v1/tickets/":
        data = {**body("how_to", {}), **data}
    client = signed_in(customer)

    response = getattr(client, method)(path, data, format="json")

    assert response.status_code == 400, response.content
    assert problem_of(response)["errors"][field] == ["There is no such field."]
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_an_empty_patch_of_me_changes_nothing_and_succeeds(customer):
    response = signed_in(customer).patch("/api/v1/me/", {}, format="json")

    assert response.status_code == 200
    customer.refresh_from_db()
    assert response.json()["language"] == customer.language


@pytest.mark.django_db
@pytest.mark.parametrize("encode", ["multipart", "urlencoded", "json"])
def test_an_empty_value_is_refused_however_the_body_is_sent(encode, customer):
    client = signed_in(customer)
    if encode == "json":
        response = client.patch("/api/v1/me/", {"language": ""}, format="json")
    elif encode == "multipart":
        response = client.patch("/api/v1/me/", {"language": ""}, format="multipart")
    else:
        response = client.patch(
            "/api/v1/me/", "language=", content_type="application/x-www-form-urlencoded"
        )

    assert response.status_code == 400, response.content
    assert "language" in problem_of(response)["errors"]


@pytest.mark.django_db
def test_a_signed_in_customers_phone_is_checked_though_unused(customer):
    data = {**body("how_to", {}), "phone": "*"}

    response = signed_in(customer).post("/api/v1/tickets/", data, format="json")

    assert response.status_code == 400
    assert "phone" in problem_of(response)["errors"]


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=False)
@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("/api/v1/faq/articles/?lang=xx", 400, "lang"),
        ("/api/v1/faq/articles/?lang=", 400, "lang"),
        ("/api/v1/faq/articles/?lang=en-US", 200, None),
        ("/api/v1/faq/categories/?lang=zh_Hans", 200, None),
        ("/api/v1/faq/categories/?lang=klingon", 400, "lang"),
        ("/api/v1/faq/articles/?category=", 400, "category"),
        ("/api/v1/faq/articles/?category=bukan slug", 400, "category"),
        ("/api/v1/faq/articles/?page_size=0", 400, "page_size"),
        ("/api/v1/faq/articles/?page_size=abc", 400, "page_size"),
        ("/api/v1/faq/articles/?page_size=101", 400, "page_size"),
        ("/api/v1/faq/articles/?page_size=100", 200, None),
        ("/api/v1/faq/search/?q=", 400, "q"),
        ("/api/v1/faq/search/?q=%20%0A%20", 400, "q"),
        ("/api/v1/faq/search/?q=refund&limit=51", 400, "limit"),
        ("/api/v1/faq/search/?q=refund&limit=1.5", 400, "limit"),
        ("/api/v1/faq/search/?q=refund&limit=50", 200, None),
        ("/api/v1/faq/suggestions/?q=", 200, None),
        ("/api/v1/faq/suggestions/?q=refund&category=bogus", 400, "category"),
        ("/api/v1/faq/suggestions/?q=refund&category=refund", 200, None),
        ("/api/v1/tickets/?open=-1.8e308", 400, "open"),
        ("/api/v1/tickets/?open=2", 400, "open"),
        ("/api/v1/tickets/?open=true", 200, None),
        ("/api/v1/tickets/?open=0", 200, None),
        ("/api/v1/tickets/?page_size=0", 400, "page_size"),
        ("/api/v1/faq/articles/?page=", 400, "page"),
        ("/api/v1/faq/articles/?page=0", 400, "page"),
        ("/api/v1/faq/articles/?page=last", 400, "page"),
        ("/api/v1/faq/articles/?page=1", 200, None),
        ("/api/v1/faq/articles/?page=99", 404, None),
        ("/api/v1/tickets/?category=", 400, "category"),
        ("/api/v1/tickets/?status=", 400, "status"),
        ("/api/v1/tickets/?status=open&status=", 400, "status"),
        ("/api/v1/tickets/?created_before=", 400, "created_before"),
        ("/api/v1/tickets/?active_after=%20", 400, "active_after"),
        ("/api/v1/tickets/?assignee=", 400, "assignee"),
        ("/api/v1/tickets/?assignee=bob", 400, "assignee"),
        ("/api/v1/tickets/?assignee=%D9%A3", 400, "assignee"),  # an Arabic-Indic 3
        ("/api/v1/tickets/?assignee=none", 200, None),
        ("/api/v1/tickets/?assignee=99999999999999999999999", 200, None),
        ("/api/v1/tickets/?queue=bukan%20slug", 400, "queue"),
        ("/api/v1/tickets/?queue=refunds", 200, None),
        ("/api/v1/tickets/?priority=3", 400, "priority"),
        ("/api/v1/tickets/?priority=urgent", 200, None),
        ("/api/v1/tickets/?cursor=", 400, "cursor"),
        ("/api/v1/tickets/?cursor=%25%25%25", 404, None),  # not one of ours
        ("/api/v1/tickets/?ordering=", 400, "ordering"),
        ("/api/v1/tickets/?ordering=password", 400, "ordering"),
        ("/api/v1/tickets/?ordering=priority,-requester__email", 400, "ordering"),
        ("/api/v1/tickets/?ordering=-priority,created_at", 200, None),
        # RFC 3339 as the schema's date-time means it, at its edges:
        ("/api/v1/tickets/?created_after=0001-01-01T01:04:40%2B21:52", 200, None),
        ("/api/v1/tickets/?created_before=9999-12-31T23:00:00-05:00", 200, None),
        ("/api/v1/tickets/?created_after=2026-11-21t08:14:00z", 200, None),
        ("/api/v1/tickets/?created_after=2016-12-31T23:59:60Z", 200, None),
        ("/api/v1/tickets/?created_after=2026-11-21T08:14:00.123456789%2B07:00", 200, None),
        ("/api/v1/tickets/?created_after=2026-02-30T00:00:00Z", 400, "created_after"),
        ("/api/v1/tickets/?created_after=kemarin", 400, "created_after"),
    ],
)
def test_query_parameters_are_checked_as_the_schema_states(query, status, field, customer):
    ArticleFactory(slug="qris-refund-time")

    response = signed_in(customer).get(query)

    assert response.status_code == status, response.content
    if field:
        assert field in problem_of(response)["errors"]
