"""Schemathesis against the live schema on a running server: for every operation, anonymous, as
a customer and with an agent's key, generated requests never get a 5xx, every answer matches the
schema (status code, body and content type as documented), and the API agrees with its schema
about requests: what the schema allows is accepted (not a 400), what it forbids is refused
(positive and negative data). Bounded: a few examples per operation and mode."""

import os

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.utils import translation
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import ArticleFactory
from tickets.forms import NO_SUCH_PHONE_NUMBER

from .conftest import api_key

# The rules the schema states in words because JSON Schema cannot (api.details), answered as a
# 400 naming the field: the one check below allows exactly these on a schema-valid request.
RULES_IN_WORDS = {
    "This cannot be in the future.",
    "This cannot be before the date of the transaction.",
}
for _language, _name in django_settings.LANGUAGES:
    with translation.override(_language):
        RULES_IN_WORDS.add(str(NO_SUCH_PHONE_NUMBER))


def refused_by_a_rule_in_words(response, case) -> bool:
    """A ticket refused only for a rule the schema describes in words: a date in the future, a
    refund asked before the purchase, an attachment that is not a picture or a PDF by its
    content, a phone number of the right shape that no numbering plan has, or (guests, and
    staff filing for a customer) no `email`."""
    if (case.method.upper(), case.path) != ("POST", "/api/v1/tickets/"):
        return False
    if response.status_code != 400:
        return False
    errors = response.json().get("errors", {})
    body = case.body if isinstance(case.body, dict) else {}
    email_demanded = {"email"} if "email" not in body else set()
    checked_by_content = {field for field in errors if field.split(".")[0] == "attachments"}
    in_words = {
        field
        for field, messages in errors.items()
        if (field.startswith("details.") or field == "phone") and set(messages) <= RULES_IN_WORDS
    }
    return bool(errors) and set(errors) <= email_demanded | in_words | checked_by_content


def refused_for_its_header(response, case) -> bool:
    """A 422 because the Idempotency-Key was already used for another body (generated keys
    repeat), or a 412 because If-Match named another version of the ticket (a generated
    ETag names none): both documented, both about state, not about the request's shape."""
    headers = {name.lower() for name in case.headers or {}}
    return (response.status_code, True) in {
        (422, "idempotency-key" in headers),
        (412, "if-match" in headers),
    }


FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def not_a_form(case) -> bool:
    """A form has fields: a generated body that is not an object (a bare string, a list) has
    no form encoding, and what arrives is an empty form, a valid request."""
    return case.media_type in FORMS and not isinstance(case.body, dict)


@schemathesis.check
def schema_valid_requests_accepted(ctx, response, case):
    """positive_data_acceptance, but for refused_by_a_rule_in_words and a reused key."""
    if refused_by_a_rule_in_words(response, case) or refused_for_its_header(response, case):
        return None
    return positive_data_acceptance(ctx, response, case)


@schemathesis.check
def schema_invalid_requests_refused(ctx, response, case):
    """negative_data_rejection, but for bodies a form cannot carry."""
    if not_a_form(case):
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    schema_invalid_requests_refused,
    schema_valid_requests_accepted,
]
# A bounded run in the suite; SCHEMATHESIS_EXAMPLES=200 SCHEMATHESIS_SEED=random explores more.
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", 15))
DERANDOMIZE = os.environ.get("SCHEMATHESIS_SEED") != "random"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("role", ["anonymous", "customer", "agent"])
def test_the_api_keeps_to_its_schema_under_generated_requests(
    role, mode, request, live_server, ticket
):
    # given: a server with a ticket and an article, and a caller with a key (or none)
    ArticleFactory(slug="qris-refund-time")
    headers = {"Accept-Language": "en"}
    if role != "anonymous":
        user = request.getfixturevalue(role)
        headers["Authorization"] = f"Bearer {api_key(user, 'read', 'write')}"
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    failures = []
    cases = 0
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=DERANDOMIZE,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            nonlocal cases
            cases += 1
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

        # when
        try:
            exercise()
        except Unsatisfiable:
            continue  # nothing in the operation can be made invalid (no parameters, no body)
        except (Exception, BaseExceptionGroup) as error:  # every operation, not the first only
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")

    # then
    print(f"schemathesis: {cases} cases, {role}, {mode.value}")
    assert not failures, "\n\n".join(failures)
