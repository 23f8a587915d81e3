"""The notification centre at /staff/notifications/: the signed-in staff member's own in-app
notifications (inbox app), the bell's count for pages without a live connection, and the agents
a note may mention on a ticket (the reply box's typeahead).

Only ever the requester's own rows: another's notification answers 404, like one that does not
exist.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from inbox import services as inbox
from tickets import mentions
from tickets.access import Viewer, get_ticket_for
from tickets.models import Ticket

from .views import staff_required

PER_PAGE = 25


@staff_required
def notification_centre(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox.for_user(request.user), PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # A ticket moved out of the agent's queues since: the line stays, its subject does not.
    visible = set(
        Ticket.objects.visible_to(request.user)
        .filter(pk__in={row.ticket_id for row in rows})
        .values_list("pk", flat=True)
    )
    for row in rows:
        row.ticket_visible = row.ticket_id in visible
    return render(
        request,
        "staff/notifications.html",
        {"page": page, "rows": rows, "unread": inbox.unread_count(request.user)},
    )


@staff_required
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Following a notification marks it read and goes to its ticket."""
    notification = inbox.mark_read(request.user, notification_id)
    if notification is None:
        raise Http404("No such notification.")
    return redirect("staff-ticket", notification.ticket.reference)


@staff_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    changed = inbox.mark_all_read(request.user)
    if changed:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("staff-notifications")


@never_cache
@staff_required
def unread_count(request: HttpRequest) -> JsonResponse:
    """The bell's count, polled while a page has no live connection."""
    return JsonResponse({"unread": inbox.unread_count(request.user)})


@staff_required
def mentionable(request: HttpRequest, reference: str) -> JsonResponse:
    """The agents who may see this ticket, for the `@` typeahead of the reply box: a handle
    (the email's local part, what tickets.mentions matches first) and a name each."""
    ticket = get_ticket_for(Viewer.of(request), reference)
    agents = [
        {"handle": user.email.rpartition("@")[0], "name": user.name or user.email}
        for user in mentions.mentionable(ticket)
        if user.pk != request.user.pk
    ]
    return JsonResponse({"agents": agents})
