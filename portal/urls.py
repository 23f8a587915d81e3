from django.contrib.auth import views as auth_views
from django.urls import path

from notifications import views as notifications
from tickets import converters  # noqa: F401 (registers <ref:...>)

from . import accounts, incidents, privacy
from . import views as portal

urlpatterns = [
    path("", portal.home, name="home"),
    path("tickets/new/", portal.new_ticket, name="ticket-new"),
    path("tickets/new/<slug:category>/", portal.new_ticket_form, name="ticket-new-category"),
    path("tickets/link/", portal.request_link, name="ticket-link-request"),
    path("tickets/<ref:reference>/", portal.ticket_detail, name="ticket-detail"),
    path("tickets/<ref:reference>/sent/", portal.ticket_submitted, name="ticket-submitted"),
    path("tickets/<ref:reference>/reply/", portal.ticket_reply, name="ticket-reply"),
    path("tickets/<ref:reference>/solved/", portal.ticket_resolve, name="ticket-resolve"),
    path("tickets/<ref:reference>/rate/", portal.ticket_rate, name="ticket-rate"),
    path(
        "tickets/<ref:reference>/files/<int:attachment_id>/",
        portal.ticket_attachment,
        name="ticket-attachment",
    ),
    path("t/<str:token>/", portal.ticket_link, name="ticket-link"),
    path("status/", incidents.status, name="status"),
    path("requests/", portal.my_requests, name="my-requests"),
    path("requests/personal-data/", privacy.personal_data_request, name="personal-data-request"),
    path("language/", accounts.set_language, name="set-language"),
    # Notifications and email
    path("inbound/email/", notifications.inbound_email, name="inbound-email"),
    # The notification centre is /staff/notifications/ (staff app); emails are chosen here.
    path("staff/notifications/email/", notifications.preferences, name="notification-preferences"),
    # Accounts
    path("accounts/signup/", accounts.sign_up, name="sign-up"),
    path("accounts/verify/<str:token>/", accounts.verify_email, name="verify-email"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
