"""Django admin for SLA: calendars (windows and holidays inline), policies (targets and the
escalation ladder inline, with a preview) and read-only timers. Registered from tickets/admin.py.

Impossible set-ups are refused with field errors: overlapping or backward windows, a calendar
with no working time, a response target longer than the resolution target, a warning after the
deadline, a default policy with conditions or none at all. Saving an edit that moves deadlines
queues their recomputation (sla/changes.py)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tickets.admin import TicketAdmin
from tickets.models import (
    BusinessCalendar,
    BusinessWindow,
    EscalationStep,
    Holiday,
    SLAPolicy,
    SLATarget,
    SLATimer,
    Ticket,
)
from tickets.models.sla import Metric, Weekday
from tickets.models.tickets import Priority

from .business_time import WALL_CLOCK, NoBusinessTime
from .calendars import build_clock, snapshot
from .changes import calendar_edited, policy_edited
from .national_holidays import load_national_holidays

TIME_ZONES = sorted(available_timezones())
RESPONSE_METRICS = (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE)
# Targets the calendar page previews: an hour, a morning, a working day.
PREVIEW_MINUTES = (60, 240, 540)


def _when(instant: datetime, zone: str) -> str:
    return timezone.localtime(instant, ZoneInfo(zone)).strftime("%a %d %b %Y %H:%M %Z")


# Calendars


class BusinessCalendarForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("time zone"), choices=[(z, z) for z in TIME_ZONES], initial="Asia/Jakarta"
    )

    class Meta:
        model = BusinessCalendar
        fields = ["name", "time_zone", "is_24_7", "description"]


class WindowFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        by_day: dict[int, list] = {}
        for form in kept:
            window = form.instance
            by_day.setdefault(window.weekday, []).append((*window.minutes, form))
        for weekday, windows in by_day.items():
            windows.sort(key=lambda w: w[0])
            reach = None  # (the furthest end so far, its window's form)
            for start, end, form in windows:
                if reach is not None and start < reach[0]:
                    other = reach[1].instance
                    form.add_error(
                        "starts_at",
                        _("Overlaps %(day)s %(window)s (windows are [from, until)).")
                        % {
                            "day": Weekday(weekday).label,
                            "window": f"{other.starts_at:%H:%M}-{other.ends_at:%H:%M}",
                        },
                    )
                if reach is None or end > reach[0]:
                    reach = (end, form)
        if not kept and not self.instance.is_24_7:
            raise forms.ValidationError(
                _("A calendar needs at least one business hours window, or to be open 24/7.")
            )


class BusinessWindowInline(admin.TabularInline):
    model = BusinessWindow
    formset = WindowFormSet
    extra = 0
    fields = ["weekday", "starts_at", "ends_at"]


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0
    fields = ["date", "name", "is_yearly", "source"]
    readonly_fields = ["source"]
    ordering = ["-date"]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    form = BusinessCalendarForm
    list_display = ["name", "time_zone", "is_24_7", "hours", "holiday_count", "policy_count"]
    list_filter = ["is_24_7", "time_zone"]
    search_fields = ["name", "description", "time_zone"]
    readonly_fields = ["preview"]
    fields = ["name", "time_zone", "is_24_7", "description", "preview"]
    inlines = [BusinessWindowInline, HolidayInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("windows")
            .annotate(
                _holidays=Count("holidays", distinct=True),
                _policies=Count("policies", distinct=True),
            )
        )

    @admin.display(description=_("business hours"))
    def hours(self, obj: BusinessCalendar) -> str:
        if obj.is_24_7:
            return str(_("24/7"))
        return "; ".join(str(w) for w in obj.windows.all())

    @admin.display(description=_("holidays"), ordering="_holidays")
    def holiday_count(self, obj: BusinessCalendar) -> int:
        return obj._holidays

    @admin.display(description=_("policies"), ordering="_policies")
    def policy_count(self, obj: BusinessCalendar) -> int:
        return obj._policies

    @admin.display(description=_("with these hours"))
    def preview(self, obj: BusinessCalendar) -> str:
        if obj.pk is None:
            return str(_("Save to see when tickets would be due."))
        now = timezone.now()
        try:
            clock = build_clock(obj)
            rows = [
                (
                    _("%(h)s h of business time") % {"h": minutes // 60},
                    _when(clock.add(now, _minutes(minutes)), obj.time_zone),
                )
                for minutes in PREVIEW_MINUTES
            ]
        except NoBusinessTime:
            return str(_("This calendar has no working time: nothing would ever be due."))
        return format_html(
            "{}<ul>{}</ul>",
            _("A ticket created now would be due, for a target of:"),
            format_html_join("", "<li>{}: {}</li>", rows),
        )

    def save_model(self, request, obj, form, change) -> None:
        # What the calendar was, so the time running timers used until now is counted with it.
        request._sla_calendar_before = (
            snapshot(
                BusinessCalendar.objects.prefetch_related("windows", "holidays").get(pk=obj.pk)
            )
            if change
            else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        previous = getattr(request, "_sla_calendar_before", None)
        if previous is not None and calendar_edited(form.instance, previous):
            self.message_user(
                request,
                _("Running SLA timers on this calendar are being re-projected."),
                messages.INFO,
            )

    def get_actions(self, request):
        actions = super().get_actions(request)
        year = timezone.localdate().year
        for target in (year, year + 1):
            name = f"load_holidays_{target}"
            description = _("Load Indonesia's national holidays for %(year)s") % {"year": target}
            actions[name] = (_holiday_loader(target), name, description)
        return actions


def _holiday_loader(year: int):
    def load(modeladmin, request, queryset) -> None:
        added = 0
        for calendar in queryset:
            added += load_national_holidays(calendar, year=year)
        modeladmin.message_user(
            request,
            ngettext(
                "Added %(count)s holiday for %(year)s.",
                "Added %(count)s holidays for %(year)s.",
                added,
            )
            % {"count": added, "year": year},
            messages.SUCCESS,
        )

    return load


def _minutes(minutes: int) -> timedelta:
    return timedelta(minutes=minutes)


# Policies


class SLAPolicyForm(forms.ModelForm):
    priorities = forms.TypedMultipleChoiceField(
        label=_("priorities"),
        choices=Priority.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any priority."),
    )
    channels = forms.MultipleChoiceField(
        label=_("channels"),
        choices=Ticket.Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any channel."),
    )

    class Meta:
        model = SLAPolicy
        fields = [
            "name",
            "description",
            "position",
            "is_active",
            "is_default",
            "calendar",
            "categories",
            "queues",
            "priorities",
            "channels",
        ]

    def _get_validation_exclusions(self) -> set[str]:
        exclusions = super()._get_validation_exclusions()
        if self.cleaned_data.get("is_default"):
            # Making this policy the default demotes the current one when it is saved
            # (SLAPolicyAdmin.save_model); the database checks "one default" after that.
            exclusions.add("is_default")
        return exclusions

    def clean(self) -> dict:
        data = super().clean()
        is_default = data.get("is_default")
        if is_default and any(
            data.get(name) for name in ("categories", "queues", "priorities", "channels")
        ):
            self.add_error(
                "is_default",
                _(
                    "The default applies to every ticket no other policy matches: clear its "
                    "conditions."
                ),
            )
        if is_default and not data.get("is_active"):
            self.add_error("is_active", _("The default policy must stay active."))
        was_default = (
            self.instance.pk
            and SLAPolicy.objects.filter(pk=self.instance.pk, is_default=True).exists()
        )
        if was_default and not is_default:
            self.add_error(
                "is_default",
                _("Exactly one policy is the default: make another one the default instead."),
            )
        return data


class TargetFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = {
            form.cleaned_data["metric"]: form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        }
        resolution = kept.get(Metric.RESOLUTION)
        if resolution is None:
            return
        limit = resolution.cleaned_data["minutes"]
        for metric in RESPONSE_METRICS:
            form = kept.get(metric)
            if form is not None and form.cleaned_data["minutes"] > limit:
                form.add_error(
                    "minutes",
                    _(
                        "A response target cannot be longer than the resolution target "
                        "(%(limit)s min)."
                    )
                    % {"limit": limit},
                )


class SLATargetInline(admin.TabularInline):
    model = SLATarget
    formset = TargetFormSet
    extra = 0
    fields = ["metric", "minutes", "business_hours", "warn_at_percent", "warn_minutes_before"]


class EscalationStepInline(admin.TabularInline):
    model = EscalationStep
    extra = 0
    fields = ["after_minutes", "metric", "notify", "set_priority", "move_to_queue"]
    autocomplete_fields = ["move_to_queue"]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    form = SLAPolicyForm
    list_display = [
        "name",
        "position",
        "is_active",
        "is_default",
        "calendar",
        "conditions",
        "targets_summary",
    ]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "is_default", "calendar"]
    search_fields = ["name", "description"]
    filter_horizontal = ["categories", "queues"]
    readonly_fields = ["preview"]
    inlines = [SLATargetInline, EscalationStepInline]
    fieldsets = [
        (None, {"fields": ["name", "description", "position", "is_active", "is_default"]}),
        (
            _("Applies to tickets with"),
            {"fields": ["categories", "queues", "priorities", "channels"]},
        ),
        (_("Clock"), {"fields": ["calendar", "preview"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("calendar")
            .prefetch_related("categories", "queues", "targets")
        )

    @admin.display(description=_("conditions"))
    def conditions(self, obj: SLAPolicy) -> str:
        if obj.is_default:
            return str(_("everything else"))
        parts = [
            ", ".join(c.code for c in obj.categories.all()),
            ", ".join(q.slug for q in obj.queues.all()),
            ", ".join(Priority(p).name.lower() for p in obj.priorities),
            ", ".join(obj.channels),
        ]
        return " · ".join(p for p in parts if p) or str(_("any ticket"))

    @admin.display(description=_("targets"))
    def targets_summary(self, obj: SLAPolicy) -> str:
        return "; ".join(str(t) for t in obj.targets.all())

    @admin.display(description=_("preview"))
    def preview(self, obj: SLAPolicy) -> str:
        if obj.pk is None:
            return str(_("Save to see the tickets it applies to and when they would be due."))
        if not obj.is_active:
            return str(_("Inactive: it applies to no ticket."))
        count = matching_open_tickets(obj)
        lines = [
            (
                ngettext(
                    "This policy would apply to %(count)s open ticket.",
                    "This policy would apply to %(count)s open tickets.",
                    count,
                )
                % {"count": f"{count:,}"},
            )
        ]
        now = timezone.now()
        for target in obj.targets.all():
            clock = build_clock(obj.calendar) if target.business_hours else WALL_CLOCK
            try:
                due = _when(clock.add(now, _minutes(target.minutes)), obj.calendar.time_zone)
            except NoBusinessTime:
                due = _("never: the calendar has no working time")
            lines.append(
                (
                    _(
                        "With these hours, a ticket created now would be due at %(due)s for "
                        "%(metric)s."
                    )
                    % {"due": due, "metric": target.get_metric_display().lower()},
                )
            )
        return format_html_join("", "<p>{}</p>", lines)

    @transaction.atomic
    def save_model(self, request, obj, form, change) -> None:
        if obj.is_default:
            # Exactly one default: making this one the default demotes the previous one.
            SLAPolicy.objects.filter(is_default=True).exclude(pk=obj.pk).update(is_default=False)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        moved = {
            "is_active",
            "position",
            "calendar",
            "categories",
            "queues",
            "priorities",
            "channels",
        }
        if change and (moved & set(form.changed_data) or any(f.has_changed() for f in formsets)):
            policy_edited(form.instance.pk)
            self.message_user(
                request,
                _("Running SLA timers under this policy are being re-evaluated."),
                messages.INFO,
            )

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)


def matching_open_tickets(policy: SLAPolicy) -> int:
    """How many open tickets this policy is the first match for (its preview's figure)."""
    earlier = (
        SLAPolicy.objects.active().filter(is_default=False).prefetch_related("categories", "queues")
    )
    if not policy.is_default:
        earlier = earlier.filter(
            Q(position__lt=policy.position) | Q(position=policy.position, pk__lt=policy.pk)
        )
    tickets = Ticket.objects.open().filter(policy.conditions_q())
    for other in earlier.exclude(pk=policy.pk):
        conditions = other.conditions_q()
        if not conditions:  # an earlier policy that matches everything leaves nothing
            return 0
        tickets = tickets.exclude(conditions)
    return tickets.count()


# Timers (read-only: the engine and the sweep write them)


@admin.register(SLATimer)
class SLATimerAdmin(admin.ModelAdmin):
    list_display = [
        "ticket",
        "metric",
        "cycle",
        "status",
        "policy",
        "target_minutes",
        "started_at",
        "due_at",
        "breached_at",
        "stopped_at",
    ]
    list_filter = [
        "status",
        "metric",
        "policy",
        ("breached_at", admin.EmptyFieldListFilter),
        "started_at",
    ]
    search_fields = ["ticket__reference"]
    list_select_related = ["ticket", "policy"]
    show_full_result_count = False
    date_hierarchy = "started_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SLATimerInline(admin.TabularInline):
    """The ticket page's timers, every cycle."""

    model = SLATimer
    extra = 0
    can_delete = False
    fields = [
        "metric",
        "cycle",
        "status",
        "target_minutes",
        "started_at",
        "due_at",
        "elapsed_seconds",
        "paused_seconds",
        "breached_at",
        "stopped_at",
        "stop_reason",
    ]
    readonly_fields = fields
    ordering = ["metric", "cycle"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


# The ticket's page in the admin shows its timers: added here, as the domain does not know SLA.
TicketAdmin.inlines = [*TicketAdmin.inlines, SLATimerInline]
