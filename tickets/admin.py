from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from . import roles
from .models import (
    Announcement,
    Attachment,
    CannedResponse,
    Category,
    Contact,
    CSATResponse,
    Macro,
    Message,
    Queue,
    QueueMembership,
    Tag,
    Ticket,
    TicketEvent,
    UrgentRoute,
    User,
)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class QueueMembershipInline(admin.TabularInline):
    model = QueueMembership
    extra = 0
    autocomplete_fields = ["queue", "user"]
    fields = ["queue", "user", "is_lead", "last_assigned_at"]
    readonly_fields = ["last_assigned_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "role", "language", "is_available", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_available", "is_staff", "is_superuser", "language"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["name", "language", "is_available"]}),
        (
            _("Role and permissions"),
            {"fields": ["is_active", "groups", "is_staff", "is_superuser", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    inlines = [QueueMembershipInline]

    @admin.display(description=_("role"))
    def role(self, obj: User) -> str:
        names = sorted(group.name for group in obj.groups.all())
        if obj.is_superuser:
            names.insert(0, "superuser")
        return ", ".join(names) or _("customer")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "email",
        "assignment",
        "member_count",
        "open_count",
        "is_active",
    ]
    list_filter = ["assignment", "is_active"]
    search_fields = ["name", "slug", "email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [QueueMembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _members=Count("memberships", distinct=True),
                _open=Count(
                    "tickets", filter=Q(tickets__status__in=Ticket.OPEN_STATUSES), distinct=True
                ),
            )
        )

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj: Queue) -> int:
        return obj._members

    @admin.display(description=_("open tickets"), ordering="_open")
    def open_count(self, obj: Queue) -> int:
        return obj._open


@admin.register(QueueMembership)
class QueueMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "queue", "is_lead", "last_assigned_at"]
    list_filter = ["queue", "is_lead"]
    search_fields = ["user__email", "user__name", "queue__name"]
    autocomplete_fields = ["queue", "user"]


class UrgentRouteInline(admin.StackedInline):
    model = UrgentRoute
    extra = 0
    fields = [
        ("instruction_id", "instruction_en", "instruction_zh_hans"),
        "link",
        ("link_label_id", "link_label_en", "link_label_zh_hans"),
        ("show_hotline", "position", "is_active"),
    ]


@admin.register(UrgentRoute)
class UrgentRouteAdmin(admin.ModelAdmin):
    """What a customer should do at once for a topic (block the account, call the hotline)."""

    list_display = ["category", "instruction_now", "link", "show_hotline", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["instruction_id", "instruction_en", "instruction_zh_hans", "link"]
    fieldsets = [
        (None, {"fields": ["category", "instruction_id", "instruction_en", "instruction_zh_hans"]}),
        (
            _("Link"),
            {"fields": ["link", "link_label_id", "link_label_en", "link_label_zh_hans"]},
        ),
        (None, {"fields": ["show_hotline", "position", "is_active"]}),
    ]

    @admin.display(description=_("what to do now"))
    def instruction_now(self, obj: UrgentRoute) -> str:
        return obj.instruction()


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    inlines = [UrgentRouteInline]
    list_display = ["code", "label_now", "queue", "default_priority", "position", "is_active"]
    list_editable = ["queue", "default_priority", "position", "is_active"]
    list_filter = ["queue", "default_priority", "is_active"]
    fields = [
        "code",
        "name_id",
        "name_en",
        "name_zh_hans",
        "queue",
        "default_priority",
        "position",
        "is_active",
    ]

    @admin.display(description=_("name"))
    def label_now(self, obj: Category) -> str:
        return obj.label()

    def get_readonly_fields(self, request, obj=None):
        # The set of categories lives in code (each has its own form); only its settings change.
        return ["code"] if obj else []

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "phone", "language", "user", "ticket_count", "created_at"]
    list_filter = ["language", ("user", admin.EmptyFieldListFilter)]
    search_fields = ["email", "name", "phone"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_tickets=Count("tickets"))

    @admin.display(description=_("tickets"), ordering="_tickets")
    def ticket_count(self, obj: Contact) -> int:
        return obj._tickets


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "kind",
        "author_type",
        "author_user",
        "author_contact",
        "source",
        "body",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor_type", "actor_user", "field", "old_value", "new_value"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: tickets are worked in the staff workspace, whose services keep the audit
    trail. Here admins look things up and fix tags."""

    list_display = [
        "reference",
        "subject",
        "category",
        "priority",
        "status",
        "queue",
        "assignee",
        "requester",
        "channel",
        "created_at",
    ]
    list_filter = ["status", "priority", "category", "queue", "channel", "language", "created_at"]
    search_fields = ["reference", "subject", "requester__email", "transaction_reference"]
    list_select_related = ["category", "queue", "assignee", "requester"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # a COUNT(*) over a million rows on every page is not free
    autocomplete_fields = ["tags"]
    readonly_fields = [
        "reference",
        "subject",
        "category",
        "priority",
        "status",
        "channel",
        "queue",
        "assignee",
        "requester",
        "language",
        "details",
        "transaction_reference",
        "merged_into",
        "follow_up_of",
        "reopen_count",
        "created_at",
        "updated_at",
        "last_activity_at",
        "status_changed_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "sla_due_at",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "subject", "status", "priority", "category", "tags"]}),
        (_("Routing"), {"fields": ["queue", "assignee", "channel", "language"]}),
        (_("Requester"), {"fields": ["requester", "details", "transaction_reference"]}),
        (_("Links"), {"fields": ["merged_into", "follow_up_of", "reopen_count"]}),
        (
            _("Timestamps"),
            {
                "fields": [
                    "created_at",
                    "updated_at",
                    "last_activity_at",
                    "status_changed_at",
                    "first_response_at",
                    "resolved_at",
                    "closed_at",
                    "sla_due_at",
                ]
            },
        ),
    ]
    # The sla app adds its timers (sla/admin.py): the domain does not import it.
    inlines = [MessageInline, TicketEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "author_type", "source", "created_at"]
    list_filter = ["kind", "author_type", "source", "created_at"]
    search_fields = ["ticket__reference", "email_message_id"]
    list_select_related = ["ticket"]
    show_full_result_count = False
    readonly_fields = [
        "ticket",
        "kind",
        "author_type",
        "author_user",
        "author_contact",
        "body",
        "source",
        "email_message_id",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "ticket", "content_type", "size", "created_at"]
    list_filter = ["content_type", "created_at"]
    search_fields = ["original_name", "ticket__reference", "sha256"]
    list_select_related = ["ticket"]
    show_full_result_count = False
    # The file itself is downloaded through the ticket pages, which check permissions.
    exclude = ["file"]
    readonly_fields = [
        "ticket",
        "message",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = [
        "ticket",
        "kind",
        "actor_type",
        "actor_user",
        "field",
        "old_value",
        "new_value",
        "created_at",
    ]
    list_filter = ["kind", "actor_type", "created_at"]
    search_fields = ["ticket__reference", "actor_user__email"]
    list_select_related = ["ticket", "actor_user"]
    show_full_result_count = False
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["message_en", "severity", "starts_at", "ends_at", "is_active", "showing_now"]
    list_filter = ["severity", "is_active"]
    search_fields = ["message_id", "message_en", "message_zh_hans"]
    date_hierarchy = "starts_at"
    fieldsets = [
        (None, {"fields": ["message_id", "message_en", "message_zh_hans", "severity"]}),
        (_("When"), {"fields": ["starts_at", "ends_at", "is_active"]}),
    ]

    @admin.display(description=_("showing now"), boolean=True)
    def showing_now(self, obj: Announcement) -> bool:
        return Announcement.objects.current().filter(pk=obj.pk).exists()


@admin.register(CSATResponse)
class CSATResponseAdmin(admin.ModelAdmin):
    list_display = ["ticket", "score", "cycle", "short_comment", "created_at"]
    list_filter = ["score", "created_at", "ticket__queue"]
    search_fields = ["ticket__reference", "comment"]
    list_select_related = ["ticket"]
    date_hierarchy = "created_at"
    readonly_fields = ["ticket", "cycle", "score", "comment", "created_at"]

    @admin.display(description=_("comment"))
    def short_comment(self, obj: CSATResponse) -> str:
        return obj.comment[:80]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    """Admins edit every answer; a lead edits the answers of the queues they lead."""

    list_display = ["title", "language", "queue", "is_active", "created_by", "updated_at"]
    list_filter = ["language", "queue", "is_active"]
    search_fields = ["title", "body"]
    list_select_related = ["queue", "created_by"]
    fields = ["title", "language", "queue", "body", "is_active"]

    def _led_queues(self, request):
        return QueueMembership.objects.filter(user=request.user, is_lead=True).values("queue_id")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if roles.is_admin(request.user):
            return queryset
        return queryset.filter(queue_id__in=self._led_queues(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "queue" and not roles.is_admin(request.user):
            kwargs["queryset"] = Queue.objects.filter(pk__in=self._led_queues(request))
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Macro)
class MacroAdmin(CannedResponseAdmin):
    """As canned responses: admins edit every macro; a lead the macros of the queues they lead
    (also at /staff/macros/)."""

    list_display = ["title", "language", "queue", "is_active", "created_by", "updated_at"]
    search_fields = ["title", "description", "reply_body"]
    fields = [
        "title",
        "description",
        "language",
        "queue",
        "reply_kind",
        "reply_body",
        "set_status",
        "set_priority",
        "set_queue",
        "assign",
        "assignee",
        "add_tags",
        "remove_tags",
        "is_active",
    ]
