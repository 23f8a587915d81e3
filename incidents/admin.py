"""Incidents in the Django admin (leads and admins; agents may look, tickets/roles.py).

Declaring and editing go through incidents.services, exactly as on the staff page and in the
API: the texts are redacted, the tag is made, the categories set and the webhooks written in
one transaction. The status is read-only here: it moves by a public update or by resolving, on
the incident's staff page or through the API, because both may tell every linked customer and
resolving runs a job over its tickets. Updates and jobs are shown, never edited; incidents are
resolved, not deleted.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tickets.forms import PaymentFailedForm

from . import services
from .models import Incident, IncidentJob, IncidentUpdate

STATUS_HELP = _(
    "The status changes by posting an update or by resolving the incident, on its staff page "
    "(Incidents in the staff workspace) or through the API: both can tell every linked "
    "customer, and resolving resolves its tickets in the background."
)


class NamesField(forms.CharField):
    """A list of names, typed separated by commas or lines."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class IncidentForm(forms.ModelForm):
    payment_methods = forms.MultipleChoiceField(
        label=_("Payment methods"),
        choices=PaymentFailedForm.METHODS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    banks = NamesField(
        label=_("Banks"),
        required=False,
        help_text=_("Separated by commas, e.g. BRI, BNI; case and spaces are ignored."),
    )
    merchants = NamesField(
        label=_("Merchants"),
        required=False,
        help_text=_("Separated by commas, as customers write them; case and spaces are ignored."),
    )

    class Meta:
        model = Incident
        fields = [
            *services.TEXT_FIELDS,
            "status",
            "categories",
            "payment_methods",
            "banks",
            "merchants",
            "match_new_tickets",
            "show_banner",
            "started_at",
            "expected_end_at",
        ]
        widgets = {"categories": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            self.fields["status"].choices = [
                (s.value, s.label) for s in Incident.Status if s != Incident.Status.RESOLVED
            ]
            self.fields["status"].help_text = STATUS_HELP

    def clean(self) -> dict:
        """The services' rules, as form errors (the services would refuse the same)."""
        data = super().clean()
        for prefix, message in (
            ("title", _("Give a title in at least one language.")),
            ("message", _("Write the message to customers in at least one language.")),
        ):
            names = [f"{prefix}_{lang}" for lang in services.LANGUAGES]
            if all(name in data for name in names) and not any(
                str(data[name]).strip() for name in names
            ):
                self.add_error(f"{prefix}_en", message)
        start, end = data.get("started_at"), data.get("expected_end_at")
        if start and end and end <= start:
            self.add_error("expected_end_at", _("The expected end must be after the start."))
        return data


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class IncidentUpdateInline(ReadOnlyInline):
    model = IncidentUpdate
    fields = ["posted_at", "status", "message_id", "message_en", "message_zh_hans"]
    fields += ["notify_customers", "posted_by"]
    readonly_fields = fields
    verbose_name_plural = _("public updates (newest first)")


@admin.display(description=_("progress"))
def progress(job: IncidentJob) -> str:
    return f"{job.done} / {job.total} ({job.percent}%)"


class IncidentJobInline(ReadOnlyInline):
    model = IncidentJob
    fields = ["created_at", "kind", "outcome", "state", progress, "finished_at", "last_error"]
    readonly_fields = fields


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    form = IncidentForm
    list_display = [
        "id",
        "title_display",
        "status",
        "started_at",
        "expected_end_at",
        "linked_tickets",
        "show_banner",
        "match_new_tickets",
    ]
    list_display_links = ["id", "title_display"]
    list_filter = ["status", "show_banner", "match_new_tickets", "categories", "started_at"]
    search_fields = ["title_id", "title_en", "title_zh_hans", "message_en", "message_id"]
    date_hierarchy = "started_at"
    inlines = [IncidentUpdateInline, IncidentJobInline]
    readonly_fields = ["staff_page", "resolved_at", "tag", "declared_by", "created_at"]
    readonly_fields += ["updated_at"]

    def get_fieldsets(self, request, obj=None):
        # Declaring: the status field says how it changes later; changing: it is read-only.
        lifecycle = {"fields": ["status", "started_at", "expected_end_at"]}
        if obj is not None:
            lifecycle = {
                "fields": ["staff_page", "status", "started_at", "expected_end_at", "resolved_at"],
                "description": STATUS_HELP,
            }
        fieldsets = [
            (_("Texts customers see"), {"fields": services.TEXT_FIELDS}),
            (_("Status and times"), lifecycle),
            (
                _("What it affects"),
                {
                    "fields": [
                        "categories",
                        "payment_methods",
                        "banks",
                        "merchants",
                        "match_new_tickets",
                        "show_banner",
                    ]
                },
            ),
        ]
        if obj is not None:
            fieldsets.append(
                (_("Record"), {"fields": ["tag", "declared_by", "created_at", "updated_at"]})
            )
        return fieldsets

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:
            fields.append("status")  # STATUS_HELP
        return fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("tag", "declared_by")
            .annotate(linked=Count("tickets", distinct=True))
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # resolved, never deleted: its tickets, updates and webhooks refer to it

    @admin.display(description=_("title"), ordering="title_en")
    def title_display(self, incident: Incident) -> str:
        return incident.title()

    @admin.display(description=_("linked tickets"), ordering="linked")
    def linked_tickets(self, incident: Incident) -> int:
        return getattr(incident, "linked", 0)

    @admin.display(description=_("staff page"))
    def staff_page(self, incident: Incident) -> str:
        if incident.pk is None:
            return "-"
        try:
            url = reverse("staff-incident", args=[incident.pk])
        except NoReverseMatch:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', url, _("Post an update or resolve it on its staff page")
        )

    def save_model(self, request, obj: Incident, form, change: bool) -> None:
        """Through the services: declare (a new one) or edit (an existing one)."""
        data = form.cleaned_data
        categories = list(data.get("categories") or [])
        values = {name: data[name] for name in services.EDITABLE if name in data}
        if change:
            saved = services.edit(obj, by=request.user, categories=categories, **values)
        else:
            values["status"] = data.get("status") or Incident.Status.INVESTIGATING
            saved = services.declare(by=request.user, categories=categories, **values)
        # The admin logs and redirects with `obj`: make it the saved row.
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change: bool) -> None:
        """The services set the categories (no form.save_m2m()); the read-only inlines save
        nothing, but are run so that the admin's change message can read them."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(IncidentJob)
class IncidentJobAdmin(admin.ModelAdmin):
    """Jobs over an incident's tickets, with their progress; run by workers, never edited."""

    list_display = ["created_at", "incident", "kind", "outcome", "state", progress]
    list_display += ["started_at", "finished_at", "short_error"]
    list_filter = ["state", "kind", "created_at"]
    search_fields = ["incident__title_en", "incident__title_id", "=incident__id"]
    list_select_related = ["incident"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in IncidentJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("last error"))
    def short_error(self, job: IncidentJob) -> str:
        return job.last_error[:80]
