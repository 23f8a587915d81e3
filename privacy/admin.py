from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.admin import ContactAdmin
from tickets.models import Contact

from . import access, audit_log, export
from .models import RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """One row: the periods the daily retention task applies (README "Personal data")."""

    list_display = ["__str__", "attachment_days", "message_years", "audit_years", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not RetentionPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # Straight to the one row, created with the defaults on the first visit.
        policy = RetentionPolicy.current()
        if policy._state.adding and self.has_change_permission(request):
            policy.save()
        return HttpResponseRedirect(
            reverse("admin:privacy_retentionpolicy_change", args=[policy.pk])
        )


admin.site.unregister(Contact)


@admin.register(Contact)
class PrivacyContactAdmin(ContactAdmin):
    """The contact admin with the customer's export and erasure (privacy.access decides who)."""

    actions = ["export_personal_data", "erase_personal_data"]
    list_filter = [*ContactAdmin.list_filter, ("erased_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["erased_at"]

    def has_export_permission(self, request: HttpRequest) -> bool:
        return access.may_export(request.user)

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return access.may_erase(request.user)

    def _one(self, request: HttpRequest, queryset) -> Contact | None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one contact."), messages.ERROR)
            return None
        return queryset.select_related("user").first()

    @admin.action(description=gettext_lazy("Export personal data (ZIP)"), permissions=["export"])
    def export_personal_data(self, request: HttpRequest, queryset):
        contact = self._one(request, queryset)
        if contact is None:
            return None
        audit_log.record(request, audit_log.EXPORT, customer_id=contact.pk, detail="admin")
        response = StreamingHttpResponse(export.stream(contact), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.filename(contact)}"'
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description=gettext_lazy("Erase personal data…"), permissions=["erase"])
    def erase_personal_data(self, request: HttpRequest, queryset):
        contact = self._one(request, queryset)
        if contact is None:
            return None
        # The confirmation (reason, open tickets) is the staff page's: one form for both.
        return HttpResponseRedirect(reverse("staff-customer-erase", args=[contact.pk]))
