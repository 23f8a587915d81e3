"""The staff workspace at /staff/: dashboard, queues, the ticket page and its actions.

Every ticket is reached through access.get_ticket_for (404 outside the agent's queues) and every
change through the services. Actions work as plain form posts (redirect back) and, with htmx,
answer with the parts of the page that changed. A form carries the ticket's version; when someone
else changed the ticket meanwhile, the answer is a conflict (409) showing the current state, never
a silent overwrite.
"""

from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_ratelimit.decorators import ratelimit

import audit
from faq.deflection import deflection_report
from incidents import services as incident_services
from incidents import spikes as incident_spikes
from incidents.models import Incident
from sla import deadlines as sla_deadlines
from sla.calendars import Clocks
from sla.reports import attainment
from tickets import assignment, canned, presence, roles, second_factor, services
from tickets.access import Viewer, get_attachment_for, get_ticket_for
from tickets.attachments import attachment_response
from tickets.events import Conflict, check_version, version_of
from tickets.forms import AttachmentsField, detail_rows
from tickets.models import (
    CannedResponse,
    Category,
    CSATResponse,
    Macro,
    Notification,
    Queue,
    QueueMembership,
    SavedView,
    Ticket,
    User,
)
from tickets.services import Actor, ServiceError

from . import live, two_factor
from . import queue as staff_queue


def staff_required(view):
    """Agents, leads and admins only; anyone else is sent to the staff sign-in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not roles.is_staff_member(request.user):
            return redirect(
                f"{reverse('staff-login')}?{urlencode({'next': request.get_full_path()})}"
            )
        return view(request, *args, **kwargs)

    return wrapper


class StaffAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not roles.is_staff_member(user):
            raise forms.ValidationError(
                _("This sign-in is for support staff. Customers sign in on the help centre."),
                code="not_staff",
            )


@method_decorator(ratelimit(key="ip", rate="30/h", method="POST", block=True), name="post")
class StaffLoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        return reverse("staff-dashboard")

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        # Signed in with the password; the second factor comes next when one is owed.
        step = second_factor.pending(self.request.user)
        if step is not None:
            return redirect(two_factor.step_url(step, self.get_success_url()))
        return response


# Dashboard


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = Ticket.objects.visible_to(user)
    open_tickets = visible.filter(status__in=Ticket.OPEN_STATUSES)
    by_queue = {}
    # COUNT(*), not COUNT(id): both counts are read from partial indexes of open tickets alone.
    for row in open_tickets.values("queue_id", "status").annotate(n=Count("*")):
        by_queue.setdefault(row["queue_id"], {})[row["status"]] = row["n"]
    unassigned = dict(
        open_tickets.filter(assignee__isnull=True).values_list("queue_id").annotate(n=Count("*"))
    )
    queues = list(staff_queue._queues_of(user))
    for queue in queues:
        queue.counts = by_queue.get(queue.pk, {})
        queue.open_total = sum(queue.counts.values())
        queue.unassigned = unassigned.get(queue.pk, 0)
    led = list(
        QueueMembership.objects.filter(user=user, is_lead=True).values_list("queue_id", flat=True)
    )
    if roles.is_admin(user):
        led = [queue.pk for queue in queues]
    team = []
    if led:
        team = list(
            User.objects.filter(queue_memberships__queue_id__in=led, is_active=True).distinct()
        )
        # Each member's open tickets in any queue, counted from the partial index of open
        # tickets by assignee (joining users to all their tickets read every closed one too).
        load = dict(
            Ticket.objects.filter(
                status__in=Ticket.OPEN_STATUSES, assignee_id__in=[member.pk for member in team]
            )
            .values_list("assignee_id")
            .annotate(n=Count("*"))
        )
        for member in team:
            member.open_count = load.get(member.pk, 0)
        team.sort(key=lambda member: (-member.open_count, member.name))
    escalated = (
        open_tickets.filter(queue_id__in=led, escalated_at__isnull=False)
        .select_related("queue", "assignee")
        .order_by("escalated_at")[:20]
        if led
        else []
    )
    now = timezone.now()
    breaching = list(
        open_tickets.filter(sla_due_at__lte=now + staff_queue.BREACHING_SOON)
        .select_related("queue", "assignee")
        .with_sla_timers()
        .by_next_due()[:10]
    )
    clocks = Clocks()
    for ticket in breaching:
        # The same words as the queue and the ticket page: business time left or overdue.
        running = sla_deadlines.running_deadlines(ticket, now=now, clocks=clocks)
        ticket.next_deadline = running[0] if running else None
        ticket.next_deadline_text = sla_deadlines.describe(running[0]) if running else ""
    mine = (
        open_tickets.filter(assignee=user)
        .select_related("requester", "category")
        .order_by("-priority", "created_at")[:15]
    )
    return render(
        request,
        "staff/dashboard.html",
        {
            "delivery": email_delivery() if led else None,
            "queues": queues,
            "statuses": Ticket.OPEN_STATUSES,
            "mine": mine,
            "team": team,
            "escalated": escalated,
            "breaching": breaching,
            "saved_views": SavedView.objects.filter(user=user),
            "spikes": _spikes_for(user),
        },
    )


def _spikes_for(user) -> list[dict]:
    """Unusual bursts of new tickets (incidents/spikes.py), for those who declare incidents."""
    if not roles.is_lead(user):
        return []
    spikes = incident_spikes.dashboard_spikes()
    if not spikes:
        return []
    categories = Category.objects.in_bulk({spike.category for spike in spikes})
    return [
        {
            "spike": spike,
            "text": incident_spikes.summary(spike, categories),
            "declare": reverse("staff-incident-declare") + "?" + spike.declare_query,
        }
        for spike in spikes
    ]


def safe_next(request: HttpRequest, default: str) -> str:
    """Where a form said to go back to, if it is a page of this site; else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default


DELIVERY_DAYS = 7


def email_delivery() -> dict:
    """Leads' view of the outbox over DELIVERY_DAYS: emails waiting for their second sending
    after an unconfirmed attempt, those sent twice (a customer may have two copies, threaded
    together), and those that failed for good. Each count reads a partial or status index."""
    since = timezone.now() - timedelta(days=DELIVERY_DAYS)
    recent = Notification.objects.filter(created_at__gte=since)
    return {
        "days": DELIVERY_DAYS,
        "unconfirmed": recent.filter(status=Notification.Status.UNCONFIRMED).count(),
        "resent": Notification.objects.filter(unconfirmed_resent_at__gte=since).count(),
        "failed": recent.filter(status=Notification.Status.FAILED).count(),
    }


# Queue


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    form, page = staff_queue.page_of(request.user, request.GET)
    polled = request.htmx and request.htmx.target == "queue-rows"
    if page is not None and form.cleaned_data["q"] and not polled:
        # A search the agent asked for (each page of it), one row for all its results; not
        # the open page refreshing itself every 30 s. Filters without words are no search.
        audit.record(
            request,
            audit.Kind.SEARCH,
            count=len(page.rows),
            detail=_search_detail(form.cleaned_data),
        )
    context = {
        "form": form,
        "page": page,
        "views": staff_queue.VIEWS,
        "query": request.GET.urlencode(),
        "base_query": _without(request.GET, "after"),
        "saved_views": SavedView.objects.filter(user=request.user),
        "queues": list(staff_queue._queues_of(request.user)),  # the filter, sidebar, bulk move
        "bulk_form": BulkForm(user=request.user),
    }
    if polled:
        return render(request, "staff/_queue_rows.html", context)
    return render(request, "staff/queue.html", context)


def _search_detail(filters: dict) -> str:
    """The words searched and the queue searched in (audit.record redacts and truncates)."""
    where = filters["queue"].slug if filters["queue"] else "my queues"
    return f"q={filters['q']} in {where}" + (" (next page)" if filters["after"] else "")


def _without(query, *names) -> str:
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


class BulkForm(forms.Form):
    """One action for many tickets. Each action has its own value control with human labels,
    all of them in the page (it works without JavaScript): the chosen action decides which one
    counts. Every row is then checked by the services, as if done by hand."""

    ACTIONS = [
        ("status", gettext_lazy("Set status")),
        ("priority", gettext_lazy("Set priority")),
        ("assign", gettext_lazy("Assign to")),
        ("queue", gettext_lazy("Move to queue")),
        ("add_tag", gettext_lazy("Add tag")),
        ("remove_tag", gettext_lazy("Remove tag")),
        ("link_incident", gettext_lazy("Link to incident…")),
        ("unlink_incident", gettext_lazy("Unlink from incident")),
    ]
    # The action -> the field holding its value.
    VALUES = {
        "status": "status",
        "priority": "priority",
        "assign": "assignee",
        "queue": "queue",
        "add_tag": "tag",
        "remove_tag": "tag",
        "link_incident": "incident",
    }
    tickets = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=[],
        error_messages={"required": gettext_lazy("Select at least one ticket.")},
    )
    action = forms.ChoiceField(choices=ACTIONS, label=gettext_lazy("With the selected tickets:"))
    status = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Status"),
        error_messages={"invalid_choice": gettext_lazy("No such status.")},
    )
    priority = forms.TypedChoiceField(
        coerce=int,
        required=False,
        label=gettext_lazy("Priority"),
        choices=Ticket.Priority.choices,
        error_messages={"invalid_choice": gettext_lazy("No such priority.")},
    )
    # Any staff account's id is taken here, so that assign() says why one cannot have tickets.
    assignee = forms.CharField(required=False, label=gettext_lazy("Assignee"))
    queue = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Queue"),
        error_messages={"invalid_choice": gettext_lazy("No such queue.")},
    )
    tag = forms.CharField(max_length=50, required=False, label=gettext_lazy("Tag"))
    incident = forms.TypedChoiceField(
        coerce=int,
        required=False,
        label=gettext_lazy("Incident"),
        error_messages={"invalid_choice": gettext_lazy("No such active incident.")},
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # Any id is accepted here; each row is checked against what the user may see.
        ids = self.data.getlist("tickets") if hasattr(self.data, "getlist") else []
        self.fields["tickets"].choices = [(i, i) for i in ids if str(i).isdecimal()]
        self.fields["status"].choices = [
            (s.value, s.label) for s in Ticket.Status if s != Ticket.Status.NEW
        ]
        self.fields["queue"].choices = [
            (q.slug, q.name) for q in Queue.objects.filter(is_active=True).order_by("name")
        ]
        self.fields["incident"].choices = [
            (incident.pk, f"#{incident.pk} {incident.title()}")
            for incident in Incident.objects.active().order_by("-started_at")
        ]
        self.agents = [
            (str(agent.pk), str(agent))
            for agent in assignment.assignable_agents(user)
            if agent.pk != user.pk
        ]
        self.fields["assignee"].widget = forms.Select(
            choices=[("me", _("me")), ("nobody", _("nobody")), *self.agents]
        )

    def clean_assignee(self) -> str:
        value = self.cleaned_data["assignee"]
        if value in ("", "me", "nobody"):
            return value
        if (
            value.isdecimal()
            and User.objects.filter(pk=value).filter(assignment.STAFF_ROLE).exists()
        ):
            return value
        raise forms.ValidationError(_("No such agent."))

    def clean_tag(self) -> str:
        # As services.set_tags stores it, so that removing finds it.
        return slugify(self.cleaned_data["tag"].strip(), allow_unicode=True)[:50]

    def clean(self) -> dict:
        data = super().clean()
        field = self.VALUES.get(data.get("action", ""))
        if field and field not in self.errors and data.get(field) in (None, ""):
            self.add_error(field, _("Choose what to set."))
        return data

    def target(self):
        """What the chosen action's value names: a status, a priority, an agent (None:
        nobody), a queue or a tag name."""
        action = self.cleaned_data["action"]
        if action == "unlink_incident":
            return None
        value = self.cleaned_data[self.VALUES[action]]
        if action == "assign":
            if value == "nobody":
                return None
            return self.user if value == "me" else User.objects.get(pk=value)
        if action == "queue":
            return Queue.objects.get(slug=value, is_active=True)
        if action == "link_incident":
            return Incident.objects.get(pk=value)
        return value


@staff_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST, user=request.user)
    back = safe_next(request, reverse("staff-queue"))
    if not form.is_valid():
        for name, error in form.errors.items():
            label = form.fields[name].label if name in form.fields and name != "tickets" else ""
            text = " ".join(error)
            messages.error(request, f"{label} {text}" if label and name != "action" else text)
        return HttpResponseRedirect(back)
    ids = form.cleaned_data["tickets"]
    versions = {i: request.POST.get(f"version_{i}", "") for i in ids}
    done, failed = apply_bulk(
        request.user, ids, form.cleaned_data["action"], form.target(), versions=versions
    )
    if done:
        messages.success(request, _("%(count)d tickets updated.") % {"count": len(done)})
    for reference, reason in failed:
        messages.error(request, f"{reference}: {reason}")
    return HttpResponseRedirect(back)


def apply_bulk(
    user: User, ids: list[int], action: str, target, *, versions: dict[int, str] | None = None
) -> tuple[list, list]:
    """Apply one action to many tickets; each row succeeds or fails on its own, with a reason.
    `versions`: each ticket as the page showed it; a row changed since is left alone."""
    visible = {t.pk: t for t in Ticket.objects.visible_to(user).filter(pk__in=ids)}
    versions = versions or {}
    by = Actor.agent(user)
    done, failed = [], []
    for ticket_id in ids:
        ticket = visible.get(ticket_id)
        if ticket is None:
            failed.append((f"#{ticket_id}", _("not found in your queues")))
            continue
        try:
            with transaction.atomic():
                locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
                try:
                    check_version(locked, versions.get(ticket_id))
                except Conflict:
                    raise ServiceError(
                        _("changed by someone else since you loaded the page")
                    ) from None
                _bulk_one(locked, action, target, user=user, by=by)
            done.append(ticket.reference)
        except ServiceError as error:
            failed.append((ticket.reference, str(error)))
    return done, failed


def _bulk_one(ticket: Ticket, action: str, target, *, user: User, by: Actor) -> None:
    """One row of a bulk action, through the same service as by hand."""
    if action == "assign":
        assignment.assign(ticket=ticket, assignee=target, by=user)
    elif action == "status":
        services.change_status(ticket=ticket, status=target, by=by)
    elif action == "priority":
        services.change_priority(ticket=ticket, priority=target, by=by)
    elif action == "queue":
        services.move_to_queue(ticket=ticket, queue=target, by=by)
    elif action == "link_incident":
        if ticket.status == Ticket.Status.CLOSED:
            raise ServiceError(_("closed tickets are not linked"))
        incident_services.link([ticket], target, by=user)
    elif action == "unlink_incident":
        incident_services.unlink([ticket], by=user)
    else:
        names = set(ticket.tags.values_list("name", flat=True))
        names = names | {target} if action == "add_tag" else names - {target}
        services.set_tags(ticket=ticket, names=sorted(names), by=by)


class SavedViewForm(forms.Form):
    name = forms.CharField(max_length=60, label=gettext_lazy("Name this view"))
    query = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)


@staff_required
@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    if form.is_valid():
        SavedView.objects.update_or_create(
            user=request.user,
            name=form.cleaned_data["name"],
            defaults={"query": _without_cursor(form.cleaned_data["query"])},
        )
        messages.success(request, _("View saved."))
    else:
        messages.error(request, _("Give the view a name (at most 60 characters)."))
    return redirect(f"{reverse('staff-queue')}?{form.data.get('query', '')}")


def _without_cursor(query: str) -> str:

    return _without(QueryDict(query), "after")


@staff_required
@require_POST
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    SavedView.objects.filter(user=request.user, pk=view_id).delete()
    return redirect("staff-queue")


# Ticket page


class StaffReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Message"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    kind = forms.ChoiceField(
        choices=[
            ("public", gettext_lazy("Public reply")),
            ("internal", gettext_lazy("Internal note")),
        ],
        widget=forms.RadioSelect,
    )
    status = forms.ChoiceField(
        choices=[
            ("", gettext_lazy("keep status")),
            ("pending_customer", gettext_lazy("then wait for customer")),
            ("on_hold", gettext_lazy("then put on hold")),
            ("resolved", gettext_lazy("then resolve")),
        ],
        required=False,
        label=gettext_lazy("After sending"),
    )
    attachments = AttachmentsField(label=gettext_lazy("Files"))
    # The newest message the agent had seen when the page was drawn.
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)
    send_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _ticket_context(request: HttpRequest, ticket: Ticket, **extra) -> dict:
    user = request.user
    thread = list(
        ticket.messages.select_related("author_user", "author_contact").prefetch_related(
            "attachments"
        )
    )
    events = list(
        ticket.events.select_related("actor_user", "actor_contact").order_by("-created_at", "-id")[
            :50
        ]
    )
    others = list(
        Ticket.objects.visible_to(user)
        .filter(requester_id=ticket.requester_id)
        .exclude(pk=ticket.pk)
        .select_related("category")
        .order_by("-created_at")[:10]
    )
    lead = assignment.is_lead_of(user, ticket.queue_id)
    # Only the active agents this user may give the ticket to (assign() checks again).
    assignees = assignment.candidates(by=user, ticket=ticket)
    now = timezone.now()
    running = [
        {
            **d.as_dict(),
            "due_at": d.due_at,
            "paused_since": d.paused_since,
            "text": sla_deadlines.describe(d),
        }
        for d in sla_deadlines.running_deadlines(ticket, now=now)
    ]
    context = {
        "ticket": ticket,
        "deadlines": running,
        "thread": thread,
        "last_message_id": max((m.pk for m in thread), default=0),
        "events": events,
        "others": others,
        "details": detail_rows(ticket.category_id, ticket.details),
        "tags": list(ticket.tags.all()),
        "canned": CannedResponse.objects.for_ticket(ticket),
        "macros": Macro.objects.for_ticket(ticket),
        "queues": Queue.objects.filter(is_active=True),
        "categories": Category.objects.all(),
        "assignees": assignees,
        "is_lead": lead,
        "version": version_of(ticket),
        "ratings": list(ticket.ratings.all()),
        "statuses": [
            (s, s.label) for s in Ticket.Status if ticket.can_move_to(s) or s == ticket.status
        ],
        "priorities": Ticket.Priority.choices,
        "reply_form": StaffReplyForm(initial={"kind": "public"}),
        "ping_seconds": presence.PING_SECONDS,
        "active_incidents": list(Incident.objects.active().order_by("-started_at")),
    }
    return context | extra


@staff_required
def ticket_page(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = get_ticket_for(Viewer(request.user), reference)
    response = render(request, "staff/ticket.html", _ticket_context(request, ticket))
    # The page as opened is the read; the parts htmx redraws after an action and the presence
    # ping that keeps it open are not recorded again.
    audit.record(request, audit.Kind.TICKET_VIEW, ticket=ticket)
    return response


def _refresh(request: HttpRequest, ticket: Ticket, *, status: int = 200, **extra) -> HttpResponse:
    """After an action: htmx gets the changed parts; a plain form post goes back to the page."""
    if not request.htmx:
        return redirect("staff-ticket", reference=ticket.reference)
    ticket = get_ticket_for(Viewer(request.user), ticket.reference)
    return render(
        request,
        "staff/_ticket_update.html",
        _ticket_context(request, ticket, **extra),
        status=status,
    )


@staff_required
def ticket_parts(request: HttpRequest, reference: str) -> HttpResponse:
    """The thread, sidebar and audit trail as they are now, for a page that heard of a change
    (static/js/live.js); the reply box is left alone, with whatever the agent is typing."""
    ticket = get_ticket_for(Viewer(request.user), reference)
    return render(request, "staff/_live_parts.html", _ticket_context(request, ticket))


@staff_required
@require_POST
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = get_ticket_for(Viewer(request.user), reference)
    form = StaffReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _reply_form_response(request, ticket, form, status=400)
    data = form.cleaned_data
    if ticket.status == Ticket.Status.CLOSED:
        error = _("Ticket %(reference)s is closed.") % {"reference": ticket.reference}
        return _reply_form_response(request, ticket, form, status=400, error=error)
    newer = ticket.messages.filter(pk__gt=data["seen"] or 0).exclude(author_user=request.user)
    if not data["send_anyway"] and newer.exists():
        warned = StaffReplyForm(
            initial={
                **{k: data[k] for k in ("body", "kind", "status")},
                "seen": data["seen"],
                "send_anyway": True,
            }
        )
        return _reply_form_response(
            request,
            ticket,
            warned,
            status=409,
            stale=_("A new message arrived while you were writing (shown above). Send anyway?"),
        )
    try:
        services.add_agent_message(
            ticket=ticket,
            agent=request.user,
            body=data["body"],
            internal=data["kind"] == "internal",
            set_status=data["status"] or None,
            attachments=data["attachments"],
        )
    except ServiceError as error:
        return _reply_form_response(request, ticket, form, status=400, error=str(error))
    presence.ping(ticket.pk, request.user, "viewing")
    if not request.htmx:
        messages.success(request, _("Sent.") if data["kind"] == "public" else _("Note added."))
    return _refresh(request, ticket, reset_reply=True)


def _reply_form_response(request, ticket, form, *, status, stale="", error=""):
    """The reply box again, with its text kept, and the thread (which may show what's new)."""
    if not request.htmx:
        messages.error(request, stale or error or _("The message could not be sent; check it."))
        return redirect("staff-ticket", reference=ticket.reference)
    return _refresh(
        request,
        ticket,
        status=status,
        reset_reply=True,
        reply_form=form,
        stale=stale,
        reply_error=error,
    )


@staff_required
@require_POST
def claim(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = get_ticket_for(Viewer(request.user), reference)
    try:
        assignment.claim(ticket=ticket, agent=request.user)
    except ServiceError as error:
        return _action_failed(request, ticket, error)
    return _refresh(request, ticket)


def _action_failed(request, ticket, error: ServiceError) -> HttpResponse:
    status = 409 if isinstance(error, Conflict) else 400
    if not request.htmx:
        messages.error(request, str(error))
        return redirect("staff-ticket", reference=ticket.reference)
    return _refresh(request, ticket, status=status, action_error=str(error))


UPDATE_FIELDS = ("status", "priority", "queue", "assignee", "category")


@staff_required
@require_POST
def update(request: HttpRequest, reference: str) -> HttpResponse:
    """Change one field (status, priority, queue, category or assignee)."""
    ticket = get_ticket_for(Viewer(request.user), reference)
    field, value = request.POST.get("field"), request.POST.get("value", "")
    by = Actor.agent(request.user)
    try:
        if field not in UPDATE_FIELDS:
            raise ServiceError(_("Nothing to change."))
        with transaction.atomic():
            locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
            check_version(locked, request.POST.get("version", ""))
            if field == "status":
                if value not in Ticket.Status.values:
                    raise ServiceError(_("No such status."))
                services.change_status(ticket=locked, status=value, by=by)
            elif field == "priority":
                if not value.isdecimal() or int(value) not in Ticket.Priority.values:
                    raise ServiceError(_("No such priority."))
                services.change_priority(ticket=locked, priority=int(value), by=by)
            elif field == "queue":
                target = Queue.objects.filter(slug=value, is_active=True).first()
                if target is None:
                    raise ServiceError(_("No such queue."))
                services.move_to_queue(ticket=locked, queue=target, by=by)
            elif field == "category":
                category = Category.objects.filter(code=value).first()
                if category is None:
                    raise ServiceError(_("No such category."))
                services.change_category(ticket=locked, category=category, by=by)
            else:
                agent = (
                    None
                    if value in ("", *assignment.NOBODY)
                    else User.objects.filter(pk=value if value.isdecimal() else 0).first()
                )
                if value not in ("", *assignment.NOBODY) and agent is None:
                    raise ServiceError(_("No such agent."))
                assignment.assign(ticket=locked, assignee=agent, by=request.user)
    except ServiceError as error:
        return _action_failed(request, ticket, error)
    if (
        field == "queue"
        and not Ticket.objects.visible_to(request.user).filter(pk=ticket.pk).exists()
    ):
        messages.info(
            request,
            _("%(reference)s moved to a queue you are not in.") % {"reference": ticket.reference},
        )
        if request.htmx:
            return HttpResponseClientRedirect(reverse("staff-queue"))
        return redirect("staff-queue")
    return _refresh(request, ticket)


@staff_required
@require_POST
def tags(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = get_ticket_for(Viewer(request.user), reference)
    names = [name for name in request.POST.get("tags", "").replace(",", " ").split() if name]
    try:
        with transaction.atomic():
            locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
            check_version(locked, request.POST.get("version", ""))
            services.set_tags(ticket=locked, names=names, by=Actor.agent(request.user))
    except ServiceError as error:
        return _action_failed(request, ticket, error)
    return _refresh(request, ticket)


@staff_required
@require_POST
def merge(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = get_ticket_for(Viewer(request.user), reference)
    target_reference = request.POST.get("into", "").strip().upper()
    try:
        target = Ticket.objects.visible_to(request.user).filter(reference=target_reference).first()
        if target is None:
            raise ServiceError(
                _("No ticket %(reference)s in your queues.")
                % {"reference": target_reference or "?"}
            )
        services.merge_tickets(source=ticket, target=target, by=Actor.agent(request.user))
    except ServiceError as error:
        return _action_failed(request, ticket, error)
    messages.success(
        request,
        _("%(source)s was merged into %(target)s.")
        % {"source": ticket.reference, "target": target.reference},
    )
    url = reverse("staff-ticket", args=[target.reference])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@staff_required
@require_POST
def escalate(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = get_ticket_for(Viewer(request.user), reference)
    reason = request.POST.get("reason", "").strip()
    try:
        if not reason:
            raise ServiceError(_("Say why you escalate, so the lead can act."))
        services.escalate(ticket=ticket, by=request.user, reason=reason[:500])
    except ServiceError as error:
        return _action_failed(request, ticket, error)
    return _refresh(request, ticket)


@staff_required
def canned_text(request: HttpRequest, reference: str, response_id: int) -> HttpResponse:
    ticket = get_ticket_for(Viewer(request.user), reference)
    response = get_object_or_404(CannedResponse.objects.for_ticket(ticket), pk=response_id)
    text = canned.render(response, ticket=ticket, agent=request.user)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@staff_required
@require_POST
def ping(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = get_ticket_for(Viewer(request.user), reference)
    state = "typing" if request.POST.get("state") == "typing" else "viewing"
    others = presence.ping(ticket.pk, request.user, state)
    # The polling fallback (the page's socket is down): the pages on a socket still see this
    # agent, and this page learns whether to redraw its thread and sidebar (static/js/live.js).
    live.announce_presence(ticket.pk)
    latest = ticket.messages.aggregate(latest=Max("pk"))["latest"] or 0
    seen = request.POST.get("seen", "")
    return render(
        request,
        "staff/_presence.html",
        {
            "others": others,
            "latest": latest,
            "seen": int(seen) if seen.isdecimal() else 0,
            "version": version_of(ticket),
        },
    )


@staff_required
def attachment(request: HttpRequest, reference: str, attachment_id: int):
    found = get_attachment_for(Viewer(request.user), reference, attachment_id)
    response = attachment_response(found)  # 404 if the file is gone: nothing was read
    audit.record(
        request,
        audit.Kind.ATTACHMENT_DOWNLOAD,
        ticket=found.ticket,
        attachment_id=found.pk,
        detail=found.original_name,
    )
    return response


# Reports (leads and admins)

REPORT_PERIODS = {"7": 7, "30": 30, "90": 90}
AGE_BUCKETS = [
    (1, gettext_lazy("under a day")),
    (3, gettext_lazy("1-3 days")),
    (7, gettext_lazy("3-7 days")),
    (None, gettext_lazy("over a week")),
]


@staff_required
def reports(request: HttpRequest) -> HttpResponse:
    """The lead's report over their queues: volume, SLA attainment, CSAT, deflection, backlog."""

    user = request.user
    if not roles.is_lead(user):
        return render(request, "staff/reports_forbidden.html", status=403)
    days = REPORT_PERIODS.get(request.GET.get("days", "30"), 30)
    group = (
        request.GET.get("by")
        if request.GET.get("by") in ("queue", "agent", "category", "priority")
        else "queue"
    )
    until = timezone.now()
    since = until - timedelta(days=days)
    visible = Ticket.objects.visible_to(user)
    volume = {
        "created": visible.filter(created_at__gte=since).count(),
        "resolved": visible.filter(resolved_at__gte=since).count(),
        "open": visible.open().count(),
    }
    rows = attainment(since=since, until=until, by=group, tickets=visible)
    ratings = CSATResponse.objects.filter(ticket__in=visible, created_at__gte=since)
    csat = ratings.aggregate(
        count=Count("id"), average=models.Avg("score"), happy=Count("id", filter=Q(score__gte=4))
    )
    by_queue_csat = list(
        ratings.values("ticket__queue__name")
        .annotate(count=Count("id"), average=models.Avg("score"))
        .order_by("ticket__queue__name")
    )
    backlog = []
    open_tickets = visible.open()
    lower = None
    for upper_days, label in AGE_BUCKETS:
        bucket = open_tickets
        if upper_days is not None:
            bucket = bucket.filter(created_at__gt=until - timedelta(days=upper_days))
        if lower is not None:
            bucket = bucket.filter(created_at__lte=until - timedelta(days=lower))
        backlog.append((label, bucket.count()))
        lower = upper_days
    return render(
        request,
        "staff/reports.html",
        {
            "days": days,
            "periods": REPORT_PERIODS,
            "group": group,
            "volume": volume,
            "attainment": rows,
            "csat": csat,
            "csat_by_queue": by_queue_csat,
            "backlog": backlog,
            "deflection": deflection_report(since=since, until=until),
        },
    )
