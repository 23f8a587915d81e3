"""The staff benchmark command runs end to end at a small size (no timing asserted)."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from tickets.models import Message

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_it_times_each_page_and_prints_equal_query_counts():
    out = StringIO()

    call_command("bench_staff", "--tickets=300", "--rounds=3", "--any-database", stdout=out)

    printed = out.getvalue()
    pages = ("default queue view", "filtered view", "full-text search", "ticket page", "dashboard")
    for page in pages:
        assert re.search(rf"{page}\s+[\d.]+\s+[\d.]+\s+[\d.]+", printed), printed
    counts = dict(re.findall(r"(queue view, \d+ rows|ticket page, \d+ messages)\s+(\d+)", printed))
    assert counts["queue view, 25 rows"] == counts["queue view, 100 rows"]
    assert counts["ticket page, 3 messages"] == counts["ticket page, 60 messages"]
    assert re.search(r"refund\s+[\d.]+\s+[\d.]+", printed), printed  # the first word's figures
    assert "300 tickets" in printed
    # The 57 extra messages were rolled back.
    assert Message.objects.count() == 900
    # Audited as in production: the pages and searches it read are in the audit log.
    audited = int(re.search(r"audit log on: ([\d,]+) rows", printed).group(1).replace(",", ""))
    assert audited == AuditEntry.objects.count() > 0


def test_it_refuses_a_database_not_named_for_benchmarks():
    with pytest.raises(CommandError, match="named \\*_bench"):
        call_command("bench_staff", "--tickets=1")
