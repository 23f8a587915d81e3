"""In-app notifications in the Django admin: a read-only listing, for support of the support
desk ("did mei get told?"). Nobody edits or adds them here."""

from django.contrib import admin
from django.http import HttpRequest

from .models import StaffNotification


@admin.register(StaffNotification)
class StaffNotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "ticket", "actor", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["recipient", "ticket", "actor"]
    search_fields = ["ticket__reference", "recipient__email"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
