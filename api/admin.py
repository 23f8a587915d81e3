"""Admin for API keys (the key is shown once, on creation), webhook endpoints and the webhook
delivery log."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.admin import OutboxAdmin

from . import webhooks
from .models import ApiKey, WebhookDelivery, WebhookEndpoint


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=ApiKey.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiKey.Scope.READ],
    )

    class Meta:
        model = ApiKey
        fields = ["name", "user", "scopes", "expires_at", "revoked_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "user", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    actions = ["revoke"]

    def save_model(self, request, obj: ApiKey, form, change: bool) -> None:
        if not change:
            raw, prefix = ApiKey.generate()
            obj.set_key(raw, prefix)
            super().save_model(request, obj, form, change)
            messages.warning(
                request,
                _(
                    "The new API key is %(key)s — copy it now: it is stored hashed and cannot "
                    "be shown again."
                )
                % {"key": raw},
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, ngettext("%d key revoked.", "%d keys revoked.", count) % count)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=WebhookEndpoint.Event.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(WebhookEndpoint.Event.values),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active", "secret"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Endpoints are switched off, not deleted: their delivery log stays, and a process that
    still holds the list of endpoints (config_cache, up to a second) writes no delivery for a
    row that no longer exists."""

    form = WebhookEndpointForm

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    list_display = ["name", "url", "events", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OutboxAdmin):
    """The webhook delivery log."""

    list_display = [
        "created_at",
        "event",
        "endpoint",
        "ticket",
        "incident",
        "status",
        "attempts",
        "response_status",
        "next_attempt_at",
        "delivered_at",
        "short_error",
    ]
    list_filter = ["status", "event", "endpoint", "created_at"]
    search_fields = ["ticket__reference", "idempotency_key", "endpoint__name"]
    list_select_related = ["endpoint", "ticket", "incident"]
    retryable_note = _(
        "Delivered and pending deliveries are never sent again; only failed ones are retried."
    )

    def resend(self, request, ids: list[int]) -> int:
        return webhooks.retry(ids, by=request.user)

    def count_message(self, count: int) -> str:
        return ngettext(
            "%(count)d delivery will be sent again.",
            "%(count)d deliveries will be sent again.",
            count,
        ) % {"count": count}
