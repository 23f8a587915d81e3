"""Admin for the outbox, agents' preferences and the inbound email log / quarantine."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tickets.models import InboundEmail, Notification, NotificationPreference

from . import inbound, outbox


class OutboxAdmin(admin.ModelAdmin):
    """A delivery core table (notifications.core): rows are written and sent by code; an admin
    looks, and sends failed ones again. Subclasses name `kind`, the retryable states and what
    their rows are called."""

    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["retry"]
    retryable_note = _("Only failed rows are sent again; sent and pending ones never are.")

    def resend(self, request, ids: list[int]) -> int:
        raise NotImplementedError

    def count_message(self, count: int) -> str:
        raise NotImplementedError

    def get_readonly_fields(self, request, obj=None):
        if self.fieldsets:
            return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("last error"))
    def short_error(self, obj) -> str:
        return obj.last_error[:80]

    def has_retry_permission(self, request) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(description=_("Send the selected rows again"), permissions=["retry"])
    def retry(self, request, queryset) -> None:
        chosen = list(queryset.values_list("pk", flat=True))
        retried = self.resend(request, chosen)
        self.message_user(
            request,
            self.count_message(retried),
            messages.SUCCESS if retried else messages.WARNING,
        )
        if retried < len(chosen):
            self.message_user(request, self.retryable_note, messages.INFO)


@admin.register(Notification)
class NotificationAdmin(OutboxAdmin):
    """The email outbox."""

    list_display = [
        "created_at",
        "template",
        "recipient",
        "ticket",
        "language",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "template", "channel", "audience", "language", "created_at"]
    search_fields = ["recipient", "ticket__reference", "message_id", "idempotency_key"]
    list_select_related = ["ticket"]
    retryable_note = _(
        "Sent and pending notifications are never sent again; only failed or unconfirmed ones "
        "are retried."
    )
    fieldsets = [
        (None, {"fields": ["ticket", "template", "audience", "channel", "recipient", "language"]}),
        (
            _("Delivery"),
            {
                "fields": [
                    "status",
                    "attempts",
                    "last_error",
                    "created_at",
                    "next_attempt_at",
                    "enqueued_at",
                    "claimed_at",
                    "handed_over_at",
                    "sent_at",
                ]
            },
        ),
        (
            _("Message"),
            {
                "fields": [
                    "message_id",
                    "in_reply_to",
                    "references",
                    "context",
                    "idempotency_key",
                    "event",
                    "recipient_user",
                ]
            },
        ),
    ]

    def resend(self, request, ids: list[int]) -> int:
        return outbox.retry(ids, by=request.user)

    def count_message(self, count: int) -> str:
        return ngettext(
            "%(count)d notification will be sent again.",
            "%(count)d notifications will be sent again.",
            count,
        ) % {"count": count}


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "assigned", "customer_replied", "sla_warning", "sla_breach"]
    list_filter = ["assigned", "customer_replied", "sla_warning", "sla_breach"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Every email that came in; the quarantine is the "Quarantined" filter."""

    list_display = [
        "received_at",
        "status",
        "sender",
        "recipient",
        "subject",
        "ticket",
        "deliveries",
        "short_reason",
    ]
    list_filter = ["status", "source", "received_at"]
    search_fields = ["sender", "recipient", "email_message_id", "ticket__reference", "subject"]
    list_select_related = ["ticket"]
    date_hierarchy = "received_at"
    show_full_result_count = False
    actions = ["process_again"]
    # The raw message (quarantine only) is not shown: it holds what the sender wrote unredacted.
    fields = [
        "received_at",
        "source",
        "status",
        "reason",
        "email_message_id",
        "sender",
        "recipient",
        "subject",
        "size",
        "sha256",
        "deliveries",
        "ticket",
        "message",
        "has_raw",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("reason"))
    def short_reason(self, obj: InboundEmail) -> str:
        return obj.reason[:80]

    @admin.display(description=_("raw message kept"), boolean=True)
    def has_raw(self, obj: InboundEmail) -> bool:
        return bool(obj.raw)

    def has_process_again_permission(self, request) -> bool:
        return request.user.has_perm("tickets.change_inboundemail")

    @admin.action(
        description=_("Process the selected quarantined emails again"),
        permissions=["process_again"],
    )
    def process_again(self, request, queryset) -> None:
        for log in queryset.filter(status=InboundEmail.Status.QUARANTINED):
            try:
                outcome = inbound.reprocess(log)
            except inbound.TemporaryFailure:
                self.message_user(request, _("The database is unavailable."), messages.ERROR)
                return
            self.message_user(
                request,
                _("%(id)s: %(status)s %(reference)s %(reason)s")
                % {
                    "id": log.email_message_id,
                    "status": outcome.status,
                    "reference": outcome.reference,
                    "reason": outcome.reason,
                },
                messages.INFO,
            )

    def delete_model(self, request, obj: InboundEmail) -> None:
        if obj.raw:
            obj.raw.delete(save=False)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for log in queryset.exclude(raw=""):
            log.raw.delete(save=False)
        super().delete_queryset(request, queryset)
