"""Macros in the workspace: the leads' and admins' page to write them (/staff/macros/), the
ticket page's picker of canned responses and macros, a macro's preview, and applying it.

A lead writes the macros of the queues they lead, an admin any (also those of every queue);
agents read the list and use macros, but change none. Applying one is tickets.macros.apply_macro:
the same services and checks as doing each step by hand.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from tickets import assignment, roles
from tickets import macros as ticket_macros
from tickets.access import Viewer, get_ticket_for
from tickets.events import Conflict, version_of
from tickets.models import CannedResponse, Macro, Queue, QueueMembership, Ticket, User
from tickets.services import ServiceError

from .views import _refresh, _ticket_context, staff_required

# How much of an answer's text the picker sends to filter on (titles are matched in full).
PICKER_TEXT = 600


def _led_queue_ids(user: User) -> list[int]:
    return list(
        QueueMembership.objects.filter(user=user, is_lead=True).values_list("queue_id", flat=True)
    )


def editable_macros(user: User) -> QuerySet:
    """The macros `user` may change: an admin's, all; a lead's, those of the queues they lead."""
    if roles.is_admin(user):
        return Macro.objects.all()
    if roles.is_lead(user):
        return Macro.objects.filter(queue_id__in=_led_queue_ids(user))
    return Macro.objects.none()


def may_edit(user: User) -> bool:
    return roles.is_admin(user) or (roles.is_lead(user) and bool(_led_queue_ids(user)))


class MacroForm(forms.ModelForm):
    class Meta:
        model = Macro
        fields = [
            "title",
            "description",
            "queue",
            "language",
            "reply_kind",
            "reply_body",
            "set_status",
            "set_priority",
            "set_queue",
            "assign",
            "assignee",
            "add_tags",
            "remove_tags",
        ]
        widgets = {
            "reply_body": forms.Textarea(attrs={"rows": 6}),
            "reply_kind": forms.RadioSelect,
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        queue = self.fields["queue"]
        if roles.is_admin(user):
            queue.queryset = Queue.objects.filter(is_active=True)
            queue.empty_label = _("every queue")
        else:
            queue.queryset = Queue.objects.filter(pk__in=_led_queue_ids(user))
            queue.required = True
            queue.help_text = _("One of the queues you lead.")
        self.fields["language"].choices = [("", _("any language")), *settings.LANGUAGES]
        keep = ("", _("keep"))
        self.fields["set_status"].choices = [
            keep,
            *[(s.value, s.label) for s in Ticket.Status if s != Ticket.Status.NEW],
        ]
        self.fields["set_priority"].choices = [keep, *Ticket.Priority.choices]
        self.fields["set_queue"].queryset = Queue.objects.filter(is_active=True)
        self.fields["set_queue"].empty_label = _("keep")
        self.fields["assign"].choices = Macro.Assign.choices
        self.fields["assignee"].queryset = User.objects.filter(
            pk__in=[agent.pk for agent in assignment.assignable_agents(user)]
        ).order_by("name")

    def clean(self) -> dict:
        data = super().clean()
        assign, assignee = data.get("assign"), data.get("assignee")
        if assign == Macro.Assign.AGENT:
            if assignee is None:
                self.add_error("assignee", _("Choose the agent to assign to."))
            else:
                queue = data.get("set_queue") or data.get("queue")
                if queue is not None and not queue.memberships.filter(user=assignee).exists():
                    self.add_error(
                        "assignee",
                        _("%(name)s is not a member of %(queue)s.")
                        % {"name": assignee, "queue": queue.name},
                    )
        else:
            data["assignee"] = None
        for field in ("add_tags", "remove_tags"):
            if any(len(name) > 50 for name in Macro.tag_names(data.get(field, ""))):
                self.add_error(field, _("A tag has at most 50 characters."))
        doing = (
            data.get("reply_body", "").strip()
            or data.get("set_status")
            or data.get("set_priority")
            or data.get("set_queue")
            or assign
            or data.get("add_tags", "").strip()
            or data.get("remove_tags", "").strip()
        )
        if not doing:
            raise forms.ValidationError(_("A macro must reply or change something."))
        return data


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "staff/macros_forbidden.html",
        {"reason": _("Only queue leads and admins edit macros.")},
        status=403,
    )


@staff_required
def macro_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    shown = Macro.objects.select_related("queue", "set_queue", "assignee")
    if not roles.is_admin(user):
        mine = Queue.objects.filter(memberships__user=user)
        shown = shown.filter(Q(queue__isnull=True) | Q(queue__in=mine))
    editable = set(editable_macros(user).values_list("pk", flat=True))
    rows = [
        {
            "macro": macro,
            "editable": macro.pk in editable,
            "changes": ticket_macros.summary(macro, agent=user),
        }
        for macro in shown.order_by("-is_active", "title")
    ]
    return render(request, "staff/macros.html", {"rows": rows, "may_edit": may_edit(user)})


@staff_required
def macro_edit(request: HttpRequest, macro_id: int | None = None) -> HttpResponse:
    user = request.user
    if not may_edit(user):
        return _forbidden(request)
    macro = get_object_or_404(editable_macros(user), pk=macro_id) if macro_id else None
    form = MacroForm(request.POST or None, instance=macro, user=user)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if macro is None:
            saved.created_by = user
        saved.save()
        messages.success(request, _("Macro “%(title)s” saved.") % {"title": saved.title})
        return redirect("staff-macros")
    return render(
        request,
        "staff/macro_form.html",
        {"form": form, "macro": macro},
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def macro_active(request: HttpRequest, macro_id: int) -> HttpResponse:
    """Deactivate (or activate again) a macro; deactivated ones are kept, and offered nowhere."""
    user = request.user
    if not may_edit(user):
        return _forbidden(request)
    macro = get_object_or_404(editable_macros(user), pk=macro_id)
    macro.is_active = request.POST.get("active") == "1"
    macro.save(update_fields=["is_active", "updated_at"])
    if macro.is_active:
        messages.success(request, _("Macro “%(title)s” is offered again.") % {"title": macro})
    else:
        messages.success(request, _("Macro “%(title)s” deactivated.") % {"title": macro})
    return redirect("staff-macros")


# On the ticket page


def _language_label(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, "") if code else _("any language")


@staff_required
def picker(request: HttpRequest, reference: str) -> JsonResponse:
    """The canned responses and macros usable on this ticket, its language's first."""
    ticket = get_ticket_for(Viewer(request.user), reference)
    items = []
    for response in CannedResponse.objects.for_ticket(ticket):
        items.append(
            {
                "kind": "canned",
                "id": response.pk,
                "title": response.title,
                "text": response.body[:PICKER_TEXT],
                "language": response.language,
                "language_label": _language_label(response.language),
                "url": reverse("staff-canned", args=[ticket.reference, response.pk]),
            }
        )
    for macro in Macro.objects.for_ticket(ticket):
        items.append(
            {
                "kind": "macro",
                "id": macro.pk,
                "title": macro.title,
                "text": f"{macro.description} {macro.reply_body}"[:PICKER_TEXT],
                "language": macro.language,
                "language_label": _language_label(macro.language),
                "url": reverse("staff-macro-preview", args=[ticket.reference, macro.pk]),
            }
        )

    def order(item: dict) -> tuple:
        language = item["language"]
        return (0 if language == ticket.language else 1 if not language else 2, item["title"])

    items.sort(key=order)
    return JsonResponse(
        {
            "language": ticket.language,
            "labels": {"canned": _("Canned response"), "macro": _("Macro")},
            "items": items,
        }
    )


def _preview_context(request: HttpRequest, ticket: Ticket, macro: Macro, **extra) -> dict:
    return {
        "ticket": ticket,
        "macro": macro,
        "reply": ticket_macros.reply_text(macro, ticket=ticket, agent=request.user),
        "changes": ticket_macros.changes_of(macro, agent=request.user),
        "version": version_of(ticket),
        **extra,
    }


@staff_required
def macro_preview(request: HttpRequest, reference: str, macro_id: int) -> HttpResponse:
    ticket = get_ticket_for(Viewer(request.user), reference)
    macro = get_object_or_404(Macro.objects.for_ticket(ticket), pk=macro_id)
    return render(request, "staff/_macro_preview.html", _preview_context(request, ticket, macro))


@staff_required
@require_POST
def macro_apply(request: HttpRequest, reference: str, macro_id: int) -> HttpResponse:
    ticket = get_ticket_for(Viewer(request.user), reference)
    macro = get_object_or_404(Macro.objects.for_ticket(ticket), pk=macro_id)
    try:
        ticket_macros.apply_macro(
            macro=macro,
            ticket=ticket,
            agent=request.user,
            version=request.POST.get("version", ""),
        )
    except ServiceError as error:
        status = 409 if isinstance(error, Conflict) else 400
        if not request.htmx:
            messages.error(request, str(error))
            return redirect("staff-ticket", reference=ticket.reference)
        # The page's parts as they are now, and the preview again with the reason.
        ticket = get_ticket_for(Viewer(request.user), ticket.reference)
        context = _ticket_context(request, ticket, action_error=str(error))
        context |= _preview_context(request, ticket, macro, macro_error=str(error))
        return render(request, "staff/_macro_failed.html", context, status=status)
    if not Ticket.objects.visible_to(request.user).filter(pk=ticket.pk).exists():
        messages.info(
            request,
            _("%(reference)s moved to a queue you are not in.") % {"reference": ticket.reference},
        )
        url = reverse("staff-queue")
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if not request.htmx:
        messages.success(request, _("Macro “%(title)s” applied.") % {"title": macro.title})
    return _refresh(request, ticket, reset_reply=True)
