"""Available / away. Going away asks what happens to the agent's open tickets (a dialog over
the page, or this page without JavaScript), and the flash after it offers an undo for
assignment.UNDO_MINUTES. The moves themselves are assignment.go_away's and undo_away's."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tickets import assignment
from tickets.models import AwayHandover, Queue, Ticket
from tickets.services import ServiceError

from .views import safe_next, staff_required

# The session key under which the page after going away finds the handover to offer undoing.
UNDO_OFFER = "away_undo_offer"


def _away_context(request: HttpRequest, *, error: str = "") -> dict:
    mine = Ticket.objects.open().filter(assignee=request.user)
    open_count = mine.count()
    by_hand = mine.filter(queue__assignment=Queue.Assignment.MANUAL).count() if open_count else 0
    return {
        "open_count": open_count,
        "by_hand_count": by_hand,
        "choices": AwayHandover.Choice.choices,
        "chosen": request.POST.get("tickets") or AwayHandover.Choice.KEEP,
        "next": safe_next(request, reverse("staff-dashboard")),
        "error": error,
    }


@staff_required
def away(request: HttpRequest) -> HttpResponse:
    """The question before going away: the dialog's content for htmx, else a page."""
    template = "staff/_away_form.html" if request.htmx else "staff/away.html"
    return render(request, template, _away_context(request))


@staff_required
@require_POST
def availability(request: HttpRequest) -> HttpResponse:
    back = safe_next(request, reverse("staff-dashboard"))
    if request.POST.get("available") == "1":
        assignment.come_back(agent=request.user)
        messages.success(request, _("You are available for new tickets."))
        return redirect(back)
    choice = request.POST.get("tickets", "")
    if choice not in AwayHandover.Choice.values:
        # Without a choice (a page drawn before this question existed) or with a wrong one:
        # ask, never guess what happens to someone's tickets.
        error = _("Choose what happens to your open tickets.") if choice else ""
        return render(
            request,
            "staff/away.html",
            _away_context(request, error=error),
            status=400 if choice else 200,
        )
    handover = assignment.go_away(agent=request.user, tickets=choice)
    request.session[UNDO_OFFER] = handover.pk
    return redirect(back)


@staff_required
@require_POST
def undo_away(request: HttpRequest) -> HttpResponse:
    back = safe_next(request, reverse("staff-dashboard"))
    handover_id = request.POST.get("handover", "")
    try:
        if not handover_id.isdecimal():
            raise ServiceError(_("There is nothing to undo."))
        undone = assignment.undo_away(agent=request.user, handover_id=int(handover_id))
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(back)
    request.session.pop(UNDO_OFFER, None)
    restored = len(undone.restored)
    messages.success(
        request,
        _("You are available again.")
        + (
            " "
            + ngettext(
                "%(count)d ticket is yours again.", "%(count)d tickets are yours again.", restored
            )
            % {"count": restored}
            if restored
            else ""
        ),
    )
    if undone.not_restored:
        messages.warning(
            request,
            ngettext(
                "%(count)d ticket could not be put back: %(list)s.",
                "%(count)d tickets could not be put back: %(list)s.",
                len(undone.not_restored),
            )
            % {
                "count": len(undone.not_restored),
                "list": "; ".join(
                    f"{reference} ({reason})" for reference, reason in undone.not_restored
                ),
            },
        )
    return redirect(back)
