"""The SLA sweep benchmark command runs end to end (at a small size: no timing asserted)."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tickets.models import SLATimer

pytestmark = pytest.mark.postgres


@pytest.mark.django_db
def test_it_loads_timers_sweeps_and_prints_both_figures():
    out = StringIO()

    call_command(
        "bench_sla",
        "--tickets=400",
        "--running=60",
        "--finished=40",
        "--due=20",
        "--any-database",
        stdout=out,
    )

    printed = out.getvalue()
    assert "nothing due:" in printed
    assert "20 due:" in printed
    # Every breach takes its first step; urgent ones overdue by more than ten minutes, the next.
    steps = re.search(r"20 breaches, (\d+) escalation steps", printed)
    assert steps, printed
    assert int(steps[1]) >= 20
    assert "with running timers" in printed
    assert not SLATimer.objects.filter(status="breached_running").exists()


@pytest.mark.django_db
def test_it_refuses_a_database_not_named_for_benchmarks():
    with pytest.raises(CommandError, match="named \\*_bench"):
        call_command("bench_sla", "--tickets=1")
