"""Incidents in the workspace (/staff/incidents/): the list, declaring and editing one, its page
with counts, timeline, updates and resolution, and the progress of its jobs.

Leads and admins change incidents; agents read the pages (no buttons, a POST is refused with
403). Every change goes through incidents.services; linking tickets by hand (queue bulk actions,
the ticket page) is open to any agent who sees the ticket, like the other ticket actions.
"""

import re

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from incidents import services as incident_services
from incidents import signals as incident_signals
from incidents.models import Incident, IncidentJob, IncidentUpdate
from tickets import roles
from tickets.access import Viewer, get_ticket_for
from tickets.forms import PaymentFailedForm
from tickets.models import Category, Ticket
from tickets.services import ServiceError

from .views import _action_failed, _refresh, staff_required

# Resolved incidents the list shows below the active ones.
RECENT_RESOLVED = 20
LANGUAGES = (("id", "Bahasa Indonesia"), ("en", "English"), ("zh_hans", "简体中文"))
DATETIME_INPUT = "%Y-%m-%dT%H:%M"
# The query parameters another page (the dashboard's spike detector) prefills the form with.
PREFILL = {"category": "categories", "payment_method": "payment_methods"}
PREFILL_TEXT = {"bank": "banks", "merchant": "merchants"}
SEPARATORS = re.compile(r"[,\n]")
# The staff menu's count of active incidents, kept in the cache: every staff page shows it.
# Forgotten when an incident is declared or resolved; the timeout covers other ways (a delete).
ACTIVE_COUNT_KEY = "staff:active-incidents"
ACTIVE_COUNT_SECONDS = 60


def active_count() -> int:
    count = cache.get(ACTIVE_COUNT_KEY)
    if count is None:
        count = Incident.objects.filter(resolved_at__isnull=True).count()  # partial index
        cache.set(ACTIVE_COUNT_KEY, count, ACTIVE_COUNT_SECONDS)
    return count


def forget_active_count(incident: Incident, event: str, at) -> None:
    if event in (incident_signals.CREATED, incident_signals.RESOLVED):
        transaction.on_commit(lambda: cache.delete(ACTIVE_COUNT_KEY))


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/incident_forbidden.html", status=403)


def _local_input(value) -> str:
    return timezone.localtime(value).strftime(DATETIME_INPUT) if value else ""


class NamesField(forms.CharField):
    """Names separated by commas or lines (banks, merchants) -> a list."""

    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        names = [name.strip() for name in SEPARATORS.split(text)]
        return list(dict.fromkeys(name for name in names if name))

    def validate(self, value) -> None:
        super().validate(value)
        for name in value:
            if len(name) > 120:
                raise forms.ValidationError(_("A name has at most 120 characters."))

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value


def _text_fields(prefix: str, label: str, *, textarea: bool) -> dict:
    fields = {}
    for code, language in LANGUAGES:
        if textarea:
            field = forms.CharField(
                required=False,
                max_length=5000,
                label=f"{label} ({language})",
                widget=forms.Textarea(attrs={"rows": 3, "lang": code.replace("_", "-")}),
            )
        else:
            field = forms.CharField(
                required=False,
                max_length=200,
                label=f"{label} ({language})",
                widget=forms.TextInput(attrs={"lang": code.replace("_", "-")}),
            )
        fields[f"{prefix}_{code}"] = field
    return fields


class MessagesMixin:
    """At least one language of each text group must be written."""

    required_groups: tuple[tuple[str, str], ...] = ()

    def clean(self) -> dict:
        data = super().clean()
        for prefix, error in self.required_groups:
            names = [f"{prefix}_{code}" for code, _language in LANGUAGES]
            if not any(data.get(name, "").strip() for name in names):
                self.add_error(names[1], str(error))
        return data


class IncidentForm(MessagesMixin, forms.Form):
    """Declare (status included) or edit (status changes through updates) an incident."""

    required_groups = (
        ("title", gettext_lazy("Give a title in at least one language.")),
        ("message", gettext_lazy("Write the message to customers in at least one language.")),
    )

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[(s.value, s.label) for s in Incident.Status if s != Incident.Status.RESOLVED],
        initial=Incident.Status.INVESTIGATING,
    )
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("Affected categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    payment_methods = forms.MultipleChoiceField(
        label=gettext_lazy("Payment methods"),
        required=False,
        choices=PaymentFailedForm.METHODS,
        widget=forms.CheckboxSelectMultiple,
    )
    banks = NamesField(
        label=gettext_lazy("Banks"),
        required=False,
        help_text=gettext_lazy("Separated by commas or lines, e.g. BRI, BNI."),
    )
    merchants = NamesField(
        label=gettext_lazy("Merchants"),
        required=False,
        help_text=gettext_lazy("As customers write them; case and spaces are ignored."),
    )
    match_new_tickets = forms.BooleanField(
        label=gettext_lazy("Link matching new tickets"), required=False, initial=True
    )
    show_banner = forms.BooleanField(
        label=gettext_lazy("Show a banner to customers"), required=False, initial=True
    )
    started_at = forms.DateTimeField(
        label=gettext_lazy("Started"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    expected_end_at = forms.DateTimeField(
        label=gettext_lazy("Expected end"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        texts = {
            **_text_fields("title", _("Title"), textarea=False),
            **_text_fields("message", _("Message to customers"), textarea=True),
        }
        self.fields = {**texts, **self.fields}
        self.fields["categories"].choices = [(c.code, c.label) for c in Category.objects.all()]
        if editing:
            del self.fields["status"]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("started_at"), data.get("expected_end_at")
        if start and end and end <= start:
            self.add_error("expected_end_at", _("The expected end must be after the start."))
        return data

    def values(self) -> dict:
        """The service's keyword arguments (categories apart)."""
        data = dict(self.cleaned_data)
        data.pop("categories")
        return data


def _prefill(query) -> dict:
    """Initial conditions from the query string (?category=payment_failed&bank=BRI)."""
    initial = {}
    for param, name in PREFILL.items():
        values = query.getlist(param) + query.getlist(name)
        if values:
            initial[name] = values
    for param, name in PREFILL_TEXT.items():
        values = [v.strip() for v in query.getlist(param) + query.getlist(name) if v.strip()]
        if values:
            initial[name] = ", ".join(values)[:1000]
    # Only the conditions: the words customers will read are never taken from a link, which
    # anyone could craft and send a lead.
    return initial


class UpdateForm(MessagesMixin, forms.Form):
    required_groups = (("message", gettext_lazy("Write the update in at least one language.")),)

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[(s.value, s.label) for s in Incident.Status if s != Incident.Status.RESOLVED],
    )
    notify_customers = forms.BooleanField(
        label=gettext_lazy("Tell linked customers (one public reply on each open ticket)"),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "status": self.fields["status"],
            **_text_fields("message", _("Update"), textarea=True),
            "notify_customers": self.fields["notify_customers"],
        }
        # Two forms on one page: distinct ids, the same field names.
        self.auto_id = "update_%s"


class ResolveForm(MessagesMixin, forms.Form):
    required_groups = (("message", gettext_lazy("Write the resolution in at least one language.")),)

    outcome = forms.ChoiceField(
        label=gettext_lazy("Its open linked tickets"),
        choices=IncidentJob.Outcome.choices,
        initial=IncidentJob.Outcome.RESOLVE,
        widget=forms.RadioSelect,
    )
    notify_customers = forms.BooleanField(
        label=gettext_lazy("Tell linked customers"), required=False, initial=True
    )
    confirm = forms.BooleanField(
        required=True,
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )

    def __init__(self, *args, open_tickets: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.auto_id = "resolve_%s"
        self.fields["confirm"].label = _(
            "Yes, resolve it now: this changes %(count)s open linked tickets."
        ) % {"count": f"{open_tickets:,}"}
        self.fields = {
            **_text_fields("message", _("Resolution"), textarea=True),
            "outcome": self.fields["outcome"],
            "notify_customers": self.fields["notify_customers"],
            "confirm": self.fields["confirm"],
        }


def _messages_of(data: dict) -> dict:
    return {f"message_{code}": data.get(f"message_{code}", "") for code, _language in LANGUAGES}


# Pages


@staff_required
def incident_list(request: HttpRequest) -> HttpResponse:
    active = list(Incident.objects.active().order_by("-started_at", "-id"))
    resolved = list(
        Incident.objects.filter(status=Incident.Status.RESOLVED).order_by("-resolved_at", "-id")[
            :RECENT_RESOLVED
        ]
    )
    incidents = active + resolved
    counts = dict(
        Ticket.objects.filter(incident_id__in=[i.pk for i in incidents])
        .values_list("incident_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    for incident in incidents:
        incident.ticket_count = counts.get(incident.pk, 0)
    return render(
        request,
        "staff/incidents.html",
        {"active": active, "resolved": resolved, "may_edit": roles.is_lead(request.user)},
    )


@staff_required
def incident_declare(request: HttpRequest) -> HttpResponse:
    if not roles.is_lead(request.user):
        return _forbidden(request)
    if request.method == "POST":
        form = IncidentForm(request.POST)
        if form.is_valid():
            try:
                incident = incident_services.declare(
                    by=request.user, categories=form.cleaned_data["categories"], **form.values()
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Incident declared."))
                return redirect("staff-incident", incident_id=incident.pk)
        status = 400
    else:
        form = IncidentForm(
            initial={"started_at": _local_input(timezone.now()), **_prefill(request.GET)}
        )
        status = 200
    return render(request, "staff/incident_form.html", {"form": form}, status=status)


@staff_required
def incident_edit(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_object_or_404(Incident, pk=incident_id)
    if not roles.is_lead(request.user):
        return _forbidden(request)
    if not incident.is_active:
        messages.error(request, _("This incident is resolved; declare a new one."))
        return redirect("staff-incident", incident_id=incident.pk)
    if request.method == "POST":
        form = IncidentForm(request.POST, editing=True)
        if form.is_valid():
            try:
                incident_services.edit(
                    incident,
                    by=request.user,
                    categories=form.cleaned_data["categories"],
                    **form.values(),
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Incident saved."))
                return redirect("staff-incident", incident_id=incident.pk)
        status = 400
    else:
        initial = {name: getattr(incident, name) for name in incident_services.EDITABLE}
        initial["categories"] = list(incident.categories.values_list("pk", flat=True))
        initial["started_at"] = _local_input(incident.started_at)
        initial["expected_end_at"] = _local_input(incident.expected_end_at)
        form = IncidentForm(initial=initial, editing=True)
        status = 200
    return render(
        request, "staff/incident_form.html", {"form": form, "incident": incident}, status=status
    )


def _open_tickets(incident: Incident) -> int:
    return Ticket.objects.filter(incident=incident, status__in=Ticket.OPEN_STATUSES).count()


def _progress_context(incident: Incident) -> dict:
    counts = incident_services.counts_by_status(incident)
    labels = dict(Ticket.Status.choices)
    jobs = list(incident.jobs.select_related("created_by", "update"))
    return {
        "incident": incident,
        "counts": [(status, labels[status], n) for status, n in counts.items()],
        "total": sum(counts.values()),
        "jobs": jobs,
        "polling": any(not job.is_finished for job in jobs),
    }


@staff_required
def incident_page(request: HttpRequest, incident_id: int, **forms_) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.select_related("declared_by"), pk=incident_id)
    open_tickets = _open_tickets(incident)
    may_edit = roles.is_lead(request.user)
    context = {
        **_progress_context(incident),
        "categories": list(incident.categories.all()),
        "methods": dict(PaymentFailedForm.METHODS),
        "updates": list(
            IncidentUpdate.objects.filter(incident=incident).select_related("posted_by")
        ),
        "may_edit": may_edit and incident.is_active,
        "open_tickets": open_tickets,
        "update_form": forms_.get("update_form") or UpdateForm(initial={"status": incident.status}),
        "resolve_form": forms_.get("resolve_form") or ResolveForm(open_tickets=open_tickets),
    }
    context["payment_methods"] = [context["methods"].get(m, m) for m in incident.payment_methods]
    status = 400 if forms_ else 200
    return render(request, "staff/incident.html", context, status=status)


@staff_required
def incident_progress(request: HttpRequest, incident_id: int) -> HttpResponse:
    """The counts and jobs part of the incident page, polled while a job runs."""
    incident = get_object_or_404(Incident, pk=incident_id)
    return render(request, "staff/_incident_progress.html", _progress_context(incident))


@staff_required
@require_POST
def incident_update(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_object_or_404(Incident, pk=incident_id)
    if not roles.is_lead(request.user):
        return _forbidden(request)
    form = UpdateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            incident_services.post_update(
                incident,
                by=request.user,
                status=data["status"],
                notify_customers=data["notify_customers"],
                **_messages_of(data),
            )
        except ServiceError as error:
            # The incident changed meanwhile (resolved by someone else): its page says so.
            messages.error(request, str(error))
            return redirect("staff-incident", incident_id=incident.pk)
        else:
            messages.success(
                request,
                _("Update posted; telling the linked customers.")
                if data["notify_customers"]
                else _("Update posted."),
            )
            return redirect("staff-incident", incident_id=incident.pk)
    return incident_page(request, incident_id=incident.pk, update_form=form)


@staff_required
@require_POST
def incident_resolve(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_object_or_404(Incident, pk=incident_id)
    if not roles.is_lead(request.user):
        return _forbidden(request)
    form = ResolveForm(request.POST, open_tickets=_open_tickets(incident))
    if form.is_valid():
        data = form.cleaned_data
        try:
            job = incident_services.resolve(
                incident,
                by=request.user,
                outcome=data["outcome"],
                notify_customers=data["notify_customers"],
                **_messages_of(data),
            )
        except ServiceError as error:
            messages.error(request, str(error))
            return redirect("staff-incident", incident_id=incident.pk)
        else:
            messages.success(
                request,
                _("Incident resolved; %(count)s linked tickets are being updated.")
                % {"count": f"{job.total:,}"},
            )
            return redirect("staff-incident", incident_id=incident.pk)
    return incident_page(request, incident_id=incident.pk, resolve_form=form)


# The ticket page's incident panel


@staff_required
@require_POST
def ticket_incident(request: HttpRequest, reference: str) -> HttpResponse:
    """Link the ticket to an active incident, or unlink it."""
    ticket = get_ticket_for(Viewer(request.user), reference)
    try:
        if request.POST.get("action") == "unlink":
            incident_services.unlink([ticket], by=request.user)
        else:
            value = request.POST.get("incident", "")
            incident = (
                Incident.objects.active().filter(pk=value).first()
                if value.isdecimal() and len(value) < 10
                else None
            )
            if incident is None:
                raise ServiceError(_("Choose an active incident."))
            if ticket.status == Ticket.Status.CLOSED:
                raise ServiceError(_("A closed ticket cannot be linked."))
            incident_services.link([ticket], incident, by=request.user)
    except ServiceError as error:
        return _action_failed(request, ticket, error)
    return _refresh(request, ticket)
