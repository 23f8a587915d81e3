"""SLA in the Django admin: impossible calendars and policies are refused with field errors, the
previews say what a policy would do, and edits that move deadlines re-project running timers."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import ContactFactory, make_sla_policy
from tests.tickets.conftest import JAKARTA
from tickets import services
from tickets.models import BusinessCalendar, Holiday, SLAPolicy, SLATimer


def jakarta(*args) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)


def formset(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data |= {f"{prefix}-{i}-{key}": value for key, value in row.items()}
    return data


def calendar_form(windows: list[tuple], **fields) -> dict:
    return (
        {"name": "Jakarta office", "time_zone": "Asia/Jakarta", "description": ""}
        | fields
        | formset("windows", [{"weekday": d, "starts_at": s, "ends_at": e} for d, s, e in windows])
        | formset("holidays", [])
    )


def policy_form(targets: list[tuple], calendar: BusinessCalendar, **fields) -> dict:
    return (
        {"name": "Payments", "description": "", "position": 5, "is_active": "on"}
        | {"calendar": calendar.pk}
        | fields
        | formset(
            "targets",
            [
                {"metric": m, "minutes": n, "business_hours": "on", "warn_at_percent": 75}
                for m, n in targets
            ],
        )
        | formset("escalation_steps", [])
    )


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


ADD_CALENDAR = reverse("admin:tickets_businesscalendar_add")
ADD_POLICY = reverse("admin:tickets_slapolicy_add")


def test_it_saves_a_calendar_with_several_windows_a_day(admin_client):
    response = admin_client.post(
        ADD_CALENDAR,
        calendar_form([(0, "08:00", "12:00"), (0, "13:00", "17:00"), (1, "20:00", "00:00")]),
    )

    assert response.status_code == 302, response.context["errors"]
    calendar = BusinessCalendar.objects.get(name="Jakarta office")
    with translation.override("en"):
        windows = [str(w) for w in calendar.windows.all()]
    assert windows == [
        "Monday 08:00-12:00",
        "Monday 13:00-17:00",
        "Tuesday 20:00-00:00",
    ]


@pytest.mark.parametrize(
    ("windows", "fields", "error"),
    [
        ([(0, "08:00", "12:00"), (0, "11:00", "17:00")], {}, "Overlaps Monday 08:00-12:00"),
        ([(0, "08:00", "17:00"), (0, "09:00", "10:00"), (0, "11:00", "12:00")], {}, "Overlaps"),
        ([(2, "17:00", "09:00")], {}, "must end after it starts"),
        ([], {}, "at least one business hours window"),
        ([(0, "08:00", "17:00")], {"time_zone": "Asia/Jakartaa"}, "Select a valid choice"),
    ],
    ids=["overlap", "overlap-inside-a-long-window", "backward", "no-hours", "bad-zone"],
)
def test_it_refuses_an_impossible_calendar(admin_client, windows, fields, error):
    response = admin_client.post(ADD_CALENDAR, calendar_form(windows, **fields))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not BusinessCalendar.objects.filter(name="Jakarta office").exists()


def test_it_accepts_a_24_7_calendar_without_windows(admin_client):
    response = admin_client.post(ADD_CALENDAR, calendar_form([], is_24_7="on"))

    assert response.status_code == 302


def test_it_previews_when_tickets_would_be_due_on_a_calendar(
    admin_client, office_hours, frozen_time
):
    response = admin_client.get(
        reverse("admin:tickets_businesscalendar_change", args=[office_hours.pk])
    )

    # Monday 09:00: 1 h -> 10:00; 4 h -> 13:00; 9 h -> Tuesday 09:00.
    page = response.content.decode()
    assert "Mon 16 Nov 2026 10:00 WIB" in page
    assert "Tue 17 Nov 2026 09:00 WIB" in page


def test_it_loads_indonesian_national_holidays_with_an_action(admin_client, office_hours):
    from django.utils import timezone

    year = timezone.localdate().year + 1

    response = admin_client.post(
        reverse("admin:tickets_businesscalendar_changelist"),
        {"action": f"load_holidays_{year}", "_selected_action": [office_hours.pk]},
        follow=True,
    )

    assert "holidays for" in response.content.decode()
    loaded = Holiday.objects.filter(calendar=office_hours, date__year=year)
    assert loaded.filter(date=f"{year}-08-17", source="package").exists()  # Independence Day
    assert loaded.count() >= 14


def test_it_re_projects_running_timers_when_the_hours_are_edited(
    admin_client, office_hours, frozen_time, django_capture_on_commit_callbacks
):
    make_sla_policy(name="Office", calendar=office_hours, targets={"resolution": 600})
    ticket = services.create_ticket(
        requester=ContactFactory(), category="refund", subject="Refund", body="Please."
    )
    frozen_time.move_to(jakarta(2026, 11, 16, 11))
    windows = list(office_hours.windows.all())
    data = {"name": office_hours.name, "time_zone": "Asia/Jakarta", "description": ""}
    data |= formset(
        "windows",
        [
            {
                "id": w.pk,
                "calendar": office_hours.pk,
                "weekday": w.weekday,
                "starts_at": "07:00" if w.weekday == 1 else f"{w.starts_at:%H:%M}",
                "ends_at": f"{w.ends_at:%H:%M}",
            }
            for w in windows
        ],
        initial=len(windows),
    )
    data |= formset("holidays", [])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:tickets_businesscalendar_change", args=[office_hours.pk]), data
        )

    assert response.status_code == 302
    timer = ticket.sla_timers.get(metric="resolution")
    # 2 h used on Monday; 8 h remain: Mon 11-17 (6), Tue from 07:00 (2).
    assert (timer.elapsed_seconds, timer.due_at) == (7200, jakarta(2026, 11, 17, 9))


def test_it_saves_a_policy_with_conditions_and_targets(admin_client, office_hours, payments):
    response = admin_client.post(
        ADD_POLICY,
        policy_form(
            [("first_response", 120), ("resolution", 960)],
            office_hours,
            categories=["payment_failed", "refund"],
            queues=[payments.pk],
            priorities=["3", "4"],
            channels=["web", "email"],
        ),
    )

    assert response.status_code == 302, response.context["errors"]
    policy = SLAPolicy.objects.get(name="Payments")
    assert (policy.priorities, policy.channels) == ([3, 4], ["web", "email"])
    assert {t.metric: t.minutes for t in policy.targets.all()} == {
        "first_response": 120,
        "resolution": 960,
    }


@pytest.mark.parametrize(
    ("targets", "fields", "error"),
    [
        (
            [("first_response", 600), ("resolution", 300)],
            {},
            "cannot be longer than the resolution target (300 min)",
        ),
        ([("next_response", 301), ("resolution", 300)], {}, "cannot be longer"),
        ([("first_response", 0)], {}, "greater than or equal to 1"),
        ([("first_response", 60), ("first_response", 30)], {}, "duplicate data for metric"),
        ([("resolution", 60)], {"is_default": "on", "categories": ["refund"]}, "clear its"),
    ],
    ids=[
        "response-above-resolution",
        "next-above-resolution",
        "zero",
        "twice",
        "default-conditions",
    ],
)
def test_it_refuses_an_impossible_policy(admin_client, office_hours, targets, fields, error):
    response = admin_client.post(ADD_POLICY, policy_form(targets, office_hours, **fields))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not SLAPolicy.objects.filter(name="Payments").exists()


def test_it_refuses_a_warning_after_the_deadline(admin_client, office_hours):
    data = policy_form([("first_response", 30)], office_hours)
    data["targets-0-warn_minutes_before"] = 30

    response = admin_client.post(ADD_POLICY, data)

    assert "A warning must come before the target runs out." in response.content.decode()


def test_it_keeps_exactly_one_default(admin_client, office_hours):
    default = SLAPolicy.objects.get(is_default=True)
    change = reverse("admin:tickets_slapolicy_change", args=[default.pk])
    data = policy_form([], office_hours, name=default.name, position=default.position)

    refused = admin_client.post(change, data)
    made_default = admin_client.post(
        ADD_POLICY, policy_form([("resolution", 60)], office_hours, is_default="on")
    )

    assert "Exactly one policy is the default" in refused.content.decode()
    assert made_default.status_code == 302
    assert list(SLAPolicy.objects.filter(is_default=True).values_list("name", flat=True)) == [
        "Payments"
    ]
    payments = SLAPolicy.objects.get(name="Payments")
    delete = admin_client.get(reverse("admin:tickets_slapolicy_delete", args=[payments.pk]))
    assert delete.status_code == 403  # the default cannot be deleted


def test_it_previews_the_open_tickets_a_policy_would_apply_to_and_their_due_times(
    admin_client, office_hours, frozen_time
):
    refunds = make_sla_policy(
        name="Refunds",
        calendar=office_hours,
        categories=["refund"],
        targets={"first_response": 120},
    )
    for category in ("refund", "refund", "payment_failed"):
        services.create_ticket(requester=ContactFactory(), category=category, subject="?", body="?")

    refunds_page = admin_client.get(reverse("admin:tickets_slapolicy_change", args=[refunds.pk]))
    default_page = admin_client.get(
        reverse("admin:tickets_slapolicy_change", args=[SLAPolicy.objects.get(is_default=True).pk])
    )

    assert "This policy would apply to 2 open tickets." in refunds_page.content.decode()
    assert "would be due at Mon 16 Nov 2026 11:00 WIB for first response" in (
        refunds_page.content.decode()
    )
    assert "This policy would apply to 1 open ticket." in default_page.content.decode()


def test_it_re_evaluates_running_timers_when_a_policy_target_is_edited(
    admin_client, office_hours, frozen_time, django_capture_on_commit_callbacks
):
    policy = make_sla_policy(name="Refunds", calendar=office_hours, targets={"resolution": 600})
    ticket = services.create_ticket(
        requester=ContactFactory(), category="refund", subject="?", body="?"
    )
    target = policy.targets.get()
    data = {
        "name": "Refunds",
        "description": "",
        "position": policy.position,
        "is_active": "on",
        "calendar": office_hours.pk,
    }
    data |= formset(
        "targets",
        [
            {
                "id": target.pk,
                "policy": policy.pk,
                "metric": "resolution",
                "minutes": 120,
                "business_hours": "on",
            }
        ],
        initial=1,
    )
    data |= formset("escalation_steps", [])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:tickets_slapolicy_change", args=[policy.pk]), data
        )

    assert response.status_code == 302
    timer = SLATimer.objects.get(ticket=ticket, metric="resolution")
    assert (timer.target_minutes, timer.due_at) == (120, jakarta(2026, 11, 16, 11))


def test_it_refuses_to_deactivate_the_default_from_the_list(admin_client):
    default = SLAPolicy.objects.get(is_default=True)
    data = formset("form", [{"id": default.pk, "position": default.position}], initial=1)

    response = admin_client.post(
        reverse("admin:tickets_slapolicy_changelist"), data | {"_save": "Save"}
    )

    assert "The default policy must stay active." in response.content.decode()
    default.refresh_from_db()
    assert default.is_active
