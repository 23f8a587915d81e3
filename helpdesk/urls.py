from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/ops/ping-worker/", views.ping_worker, name="ping-worker"),
    path("admin/", admin.site.urls),
    path("staff/", include("staff.urls")),
    path("help/", include("faq.urls")),
    path("api/", include("api.urls")),
    path("", include("branding.urls")),
    path("", include("portal.urls")),
]

# Problem JSON under /api/, translated pages elsewhere; 503 when the database is down.
handler400 = "helpdesk.errors.handler400"
handler404 = "helpdesk.errors.handler404"
handler500 = "helpdesk.errors.handler500"
