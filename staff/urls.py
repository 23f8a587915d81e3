from django.contrib.auth import views as auth_views
from django.urls import path

from tickets import converters  # noqa: F401 (registers <ref:...>)

from . import customers, two_factor
from . import views as staff

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
    path("availability/", staff.availability, name="staff-availability"),
    path("reports/", staff.reports, name="staff-reports"),
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
        "tickets/<ref:reference>/canned/<int:response_id>/", staff.canned_text, name="staff-canned"
    ),
    path("tickets/<ref:reference>/presence/", staff.ping, name="staff-presence"),
    path(
        "tickets/<ref:reference>/files/<int:attachment_id>/",
        staff.attachment,
        name="staff-attachment",
    ),
]
