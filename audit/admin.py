"""The audit log in the Django admin: read-only for everyone, superusers included, with a CSV
export of the rows as filtered, itself recorded."""

import csv
import re

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry
from .services import Kind, record_as

CSV_COLUMNS = [
    "id",
    "at",
    "actor_id",
    "actor_email",
    "actor_role",
    "api_key",
    "kind",
    "ticket_reference",
    "customer_id",
    "attachment_id",
    "count",
    "detail",
    "address",
    "user_agent",
]
# A ticket reference: TICKET_REFERENCE_PREFIX, a hyphen, six letters and digits.
REFERENCE = re.compile(r"^[A-Z0-9]+-[A-Z0-9]{6}$")


class Echo:
    """A file whose write() returns the line, for csv.writer into a streamed response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(entries):
    writer = csv.writer(Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in entries.values_list(*CSV_COLUMNS).iterator(chunk_size=2000):
        yield writer.writerow(_cell(value) for value in row)


def _cell(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = "" if value is None else str(value)
    # A spreadsheet must not run a formula that a search's words or a user agent smuggled in.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "actor_email",
        "actor_role",
        "kind",
        "ticket_reference",
        "customer_id",
        "attachment_id",
        "count",
        "detail",
        "address",
    ]
    list_filter = ["kind", "actor_role", "at"]
    # The search box reads a term as what it looks like (see get_search_results), through the
    # indexes: an email, a ticket reference, a customer or attachment id, or a kind.
    search_fields = ["actor_email", "ticket_reference", "customer_id", "kind"]
    search_help_text = _("An actor's email, a ticket reference, a customer id or a kind.")
    date_hierarchy = "at"
    ordering = ["-id"]
    list_per_page = 100
    # One COUNT of the filtered rows, not a second one of the whole table.
    show_full_result_count = False
    actions = ["export_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            found = Q(actor_email__lower=term.lower())
        elif REFERENCE.match(term.upper()):
            found = Q(ticket_reference=term.upper())
        elif term.isdigit():
            found = Q(customer_id=term) | Q(attachment_id=term)
        elif term.lower() in Kind.values:
            found = Q(kind=term.lower())
        else:
            found = Q(actor_email__lower__startswith=term.lower()) | Q(detail__icontains=term)
        return queryset.filter(found), False

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("export/", export, name="audit_auditentry_export"),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest):
        """The rows of the change list as filtered and searched, as CSV, streamed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        entries = changelist.get_queryset(request)
        filters = request.GET.urlencode()
        return self._csv(request, entries, changelist.result_count, filters or "all")

    @admin.action(description=_("Export the selected entries as CSV"))
    def export_selected(self, request: HttpRequest, queryset):
        return self._csv(request, queryset.order_by("-id"), None, "selected entries")

    def _csv(self, request, entries, count, described: str) -> StreamingHttpResponse:
        # Whoever may read the log, a role or not: record_as, not record (staff only).
        record_as(
            request.user,
            Kind.AUDIT_EXPORT,
            count=count,
            detail=described,
            address=request.META.get("REMOTE_ADDR", ""),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        response = StreamingHttpResponse(csv_lines(entries), content_type="text/csv")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response
