"""A customer's page in the staff workspace (/staff/customers/<contact id>/): who they are,
their tickets, and for those allowed the export of their data and its erasure (privacy.access
decides who; privacy does the work; every view, export and erasure is audited)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from privacy import access, audit_log, erasure, export
from tickets.events import ServiceError
from tickets.models import Contact, Ticket

from .views import staff_required

# Tickets listed on the page, newest activity first; the export has them all.
TICKETS_SHOWN = 100


@staff_required
def customer_page(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = access.get_contact_for(request.user, contact_id)
    visible = Ticket.objects.visible_to(request.user).filter(requester=contact)
    tickets = list(
        visible.select_related("category", "queue", "assignee").order_by(
            "-last_activity_at", "-pk"
        )[:TICKETS_SHOWN]
    )
    audit_log.record(request, audit_log.CUSTOMER_VIEW, customer_id=contact.pk, count=len(tickets))
    return render(
        request,
        "staff/customer.html",
        {
            "contact": contact,
            "tickets": tickets,
            "visible_count": visible.count(),
            "total_count": Ticket.objects.filter(requester=contact).count(),
            "open_count": Ticket.objects.filter(requester=contact).open().count(),
            "may_export": access.may_export(request.user),
            "may_erase": access.may_erase(request.user),
        },
    )


def _forbidden(request: HttpRequest, contact: Contact, what: str) -> HttpResponse:
    return render(
        request, "staff/customer_forbidden.html", {"contact": contact, "what": what}, status=403
    )


@staff_required
def customer_export(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = access.get_contact_for(request.user, contact_id)
    if not access.may_export(request.user):
        return _forbidden(request, contact, "export")
    audit_log.record(request, audit_log.EXPORT, customer_id=contact.pk)
    response = StreamingHttpResponse(export.stream(contact), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.filename(contact)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=erasure.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Kept in the audit log, e.g. the ticket of the customer's request. Do not write "
            "their name or address here."
        ),
    )
    open_tickets = forms.ChoiceField(
        label=gettext_lazy("Their open tickets"),
        choices=erasure.OpenTickets.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, open_count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["open_tickets"].required = open_count > 0
        if not open_count:
            del self.fields["open_tickets"]


@staff_required
def customer_erase(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = access.get_contact_for(request.user, contact_id)
    if not access.may_erase(request.user):
        return _forbidden(request, contact, "erase")
    open_count = Ticket.objects.filter(requester=contact).open().count()
    form = ErasureForm(request.POST or None, open_count=open_count)
    status = 200
    if contact.erased_at is None and request.method == "POST":
        if form.is_valid():
            try:
                done = erasure.erase_customer(
                    contact=contact,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    open_tickets=form.cleaned_data.get("open_tickets") or None,
                    request=request,
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, done.message)
                return redirect("staff-customer", contact_id=contact.pk)
        status = 400
    elif contact.erased_at is not None and request.method == "POST":
        # Erased already (by someone else meanwhile, or a second press): a no-op that says so.
        done = erasure.Erasure(contact.pk, contact.erased_at, already=True)
        messages.info(request, done.message)
        return redirect("staff-customer", contact_id=contact.pk)
    return render(
        request,
        "staff/customer_erase.html",
        {
            "contact": contact,
            "form": form,
            "open_count": open_count,
            "ticket_count": Ticket.objects.filter(requester=contact).count(),
            "already": erasure.Erasure(contact.pk, contact.erased_at, already=True)
            if contact.erased_at
            else None,
        },
        status=status,
    )
