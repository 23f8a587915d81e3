"""The incidents benchmark command runs end to end (at a tiny size: no timing asserted), checks
what it resolved, and leaves the database as it found it."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from incidents.models import Incident
from tickets.models import Notification, Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_it_resolves_the_linked_tickets_measures_creation_and_cleans_up():
    out = StringIO()

    call_command(
        "bench_incidents",
        "--tickets=50",
        "--linked=20",
        "--creations=8",
        "--any-database",
        stdout=out,
    )

    printed = out.getvalue()
    resolving = re.search(
        r"resolving an incident with 20 linked open tickets: [\d.]+ s, [\d,]+ tickets/s, "
        r"([\d.]+) queries per ticket, \d+ batches of (\d+)",
        printed,
    )
    assert resolving, printed
    assert float(resolving[1]) > 0
    assert "job: done, 20 of 20 done" in printed
    assert "checked: all 20 resolved, each with exactly one status event" in printed
    assert "check failed" not in printed
    assert re.search(r"no active incident: +[\d.]+ tickets/s", printed), printed
    # Of 8 tickets created beside three incidents, the virtual-account ones (a third) are linked.
    assert re.search(
        r"3 active incidents: +[\d.]+ tickets/s, [\d.]+ queries per ticket \(\d linked\)", printed
    )
    assert re.search(r"ratio \(none / three\): [\d.]+", printed)
    assert re.search(r"bare view in process: [\d.]+ ms", printed)
    # Nothing of the run is left: only the generated tickets, no incident, no email of its own.
    assert Ticket.objects.count() == 50
    assert not Incident.objects.exists()
    assert not Notification.objects.exists()


def test_it_refuses_a_database_not_named_for_benchmarks():
    with pytest.raises(CommandError, match="named \\*_bench"):
        call_command("bench_incidents", "--tickets=1")
