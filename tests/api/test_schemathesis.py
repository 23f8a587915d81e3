"""Schemathesis against the live schema on a running server: for every operation, as a customer
and as an agent, generated requests never get a 5xx and every answer matches the schema
(status code documented, body and content type as documented). Bounded: a few examples per
operation, so the whole run takes well under a minute on two cores."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import ArticleFactory

from .conftest import api_key

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
EXAMPLES_PER_OPERATION = 15


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.parametrize("role", ["customer", "agent"])
def test_the_api_keeps_to_its_schema_under_generated_requests(role, request, live_server, ticket):
    # given: a server with a ticket and an article, and a caller with a key
    ArticleFactory(slug="qris-refund-time")
    user = request.getfixturevalue(role)
    headers = {"Authorization": f"Bearer {api_key(user, 'read', 'write')}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

        # when
        try:
            exercise()
        except Exception as error:  # collect every operation's failure, not just the first
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")

    # then
    assert not failures, "\n\n".join(failures)
