from django.contrib.auth import views as auth_views
from django.urls import path

from tickets import converters  # noqa: F401 (registers <ref:...>)

from . import availability, customers, inbox, incidents, macros, two_factor
from . import views as staff
from .my_settings import my_settings

urlpatterns = [
    path("login/", staff.StaffLoginView.as_view(), name="staff-login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="staff-login"), name="staff-logout"),
    path("login/code/", two_factor.code_step, name="staff-two-factor-code"),
    path("two-factor/", two_factor.recovery_codes, name="staff-two-factor"),
    path("two-factor/enrol/", two_factor.enrol, name="staff-two-factor-enrol"),
    path("", staff.dashboard, name="staff-dashboard"),
    path("queue/", staff.queue, name="staff-queue"),
    path("queue/bulk/", staff.bulk, name="staff-bulk"),
    path("views/", staff.save_view, name="staff-save-view"),
    path("views/<int:view_id>/delete/", staff.delete_view, name="staff-delete-view"),
    path("availability/", availability.availability, name="staff-availability"),
    path("availability/away/", availability.away, name="staff-away"),
    path("availability/undo/", availability.undo_away, name="staff-availability-undo"),
    path("reports/", staff.reports, name="staff-reports"),
    path("notifications/", inbox.notification_centre, name="staff-notifications"),
    path("notifications/count/", inbox.unread_count, name="staff-notifications-count"),
    path("notifications/read/", inbox.mark_all_read, name="staff-notifications-read"),
    path(
        "notifications/<int:notification_id>/",
        inbox.open_notification,
        name="staff-notification-open",
    ),
    path("settings/", my_settings, name="staff-my-settings"),
    path("macros/", macros.macro_list, name="staff-macros"),
    path("macros/new/", macros.macro_edit, name="staff-macro-new"),
    path("macros/<int:macro_id>/", macros.macro_edit, name="staff-macro-edit"),
    path("macros/<int:macro_id>/active/", macros.macro_active, name="staff-macro-active"),
    path("incidents/", incidents.incident_list, name="staff-incidents"),
    path("incidents/new/", incidents.incident_declare, name="staff-incident-declare"),
    path("incidents/<int:incident_id>/", incidents.incident_page, name="staff-incident"),
    path("incidents/<int:incident_id>/edit/", incidents.incident_edit, name="staff-incident-edit"),
    path(
        "incidents/<int:incident_id>/update/",
        incidents.incident_update,
        name="staff-incident-update",
    ),
    path(
        "incidents/<int:incident_id>/resolve/",
        incidents.incident_resolve,
        name="staff-incident-resolve",
    ),
    path(
        "incidents/<int:incident_id>/progress/",
        incidents.incident_progress,
        name="staff-incident-progress",
    ),
    path("customers/<int:contact_id>/", customers.customer_page, name="staff-customer"),
    path(
        "customers/<int:contact_id>/export/",
        customers.customer_export,
        name="staff-customer-export",
    ),
    path(
        "customers/<int:contact_id>/erase/", customers.customer_erase, name="staff-customer-erase"
    ),
    path("tickets/<ref:reference>/", staff.ticket_page, name="staff-ticket"),
    path("tickets/<ref:reference>/reply/", staff.reply, name="staff-reply"),
    path("tickets/<ref:reference>/claim/", staff.claim, name="staff-claim"),
    path("tickets/<ref:reference>/update/", staff.update, name="staff-update"),
    path("tickets/<ref:reference>/tags/", staff.tags, name="staff-tags"),
    path("tickets/<ref:reference>/merge/", staff.merge, name="staff-merge"),
    path("tickets/<ref:reference>/escalate/", staff.escalate, name="staff-escalate"),
    path(
        "tickets/<ref:reference>/incident/", incidents.ticket_incident, name="staff-ticket-incident"
    ),
    path(
        "tickets/<ref:reference>/canned/<int:response_id>/", staff.canned_text, name="staff-canned"
    ),
    path("tickets/<ref:reference>/presence/", staff.ping, name="staff-presence"),
    path("tickets/<ref:reference>/parts/", staff.ticket_parts, name="staff-ticket-parts"),
    path("tickets/<ref:reference>/agents/", inbox.mentionable, name="staff-mentionable"),
    path("tickets/<ref:reference>/picker/", macros.picker, name="staff-picker"),
    path(
        "tickets/<ref:reference>/macros/<int:macro_id>/",
        macros.macro_preview,
        name="staff-macro-preview",
    ),
    path(
        "tickets/<ref:reference>/macros/<int:macro_id>/apply/",
        macros.macro_apply,
        name="staff-macro-apply",
    ),
    path(
        "tickets/<ref:reference>/files/<int:attachment_id>/",
        staff.attachment,
        name="staff-attachment",
    ),
]
