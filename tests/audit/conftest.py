"""Personas come from tests/conftest.py. Every request here arrives through nginx (a trusted
proxy) from the person's own address, which is what an audit row must name."""

import pytest
from django.core.cache import cache

from audit.models import AuditEntry
from tests.api.conftest import caller  # noqa: F401 (the API's personas, a fixture)

NGINX = "172.18.0.5"
BUDI_AT_HOME = "203.0.113.7"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


@pytest.fixture(autouse=True)
def _behind_nginx(settings):
    settings.TRUSTED_PROXIES = ["172.16.0.0/12"]
    # The second factor has its own tests; here a signed-in lead or admin reaches their pages.
    settings.STAFF_TWO_FACTOR = "off"
    cache.clear()
    yield
    cache.clear()


def through_nginx(**extra) -> dict:
    return {
        "REMOTE_ADDR": NGINX,
        "HTTP_X_FORWARDED_FOR": BUDI_AT_HOME,
        "HTTP_USER_AGENT": BROWSER,
        **extra,
    }


def entries(**filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def audit_statements(queries) -> list[str]:
    """The statements of a CaptureQueriesContext that touch the audit log."""
    sql = [query["sql"] for query in queries.captured_queries]
    return [statement for statement in sql if "audit_auditentry" in statement]
