"""/api/: v1 endpoints, the OpenAPI schema and its interactive docs."""

import csp.constants as csp
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import problems
from .views import accounts, customers, faq, incidents, tickets

DOCS_POLICY = csp_update(
    {"script-src": [csp.UNSAFE_INLINE], "style-src": [csp.UNSAFE_INLINE], "worker-src": ["blob:"]}
)

v1 = [
    path("me/", accounts.Me.as_view(), name="me"),
    path("categories/", accounts.Categories.as_view(), name="categories"),
    path("queues/", accounts.QueueList.as_view(), name="queues"),
    path("queues/<slug:slug>/", accounts.QueueDetail.as_view(), name="queue"),
    path("tickets/", tickets.TicketListCreate.as_view(), name="tickets"),
    path("tickets/<str:reference>/", tickets.TicketDetail.as_view(), name="ticket"),
    path(
        "tickets/<str:reference>/messages/",
        tickets.TicketMessages.as_view(),
        name="ticket-messages",
    ),
    path("tickets/<str:reference>/notes/", tickets.TicketNotes.as_view(), name="ticket-notes"),
    path("tickets/<str:reference>/merge/", tickets.TicketMerge.as_view(), name="ticket-merge"),
    path("tickets/<str:reference>/rating/", tickets.TicketRating.as_view(), name="ticket-rating"),
    path(
        "tickets/<str:reference>/attachments/",
        tickets.TicketAttachments.as_view(),
        name="ticket-attachments",
    ),
    path(
        "tickets/<str:reference>/attachments/<int:attachment_id>/",
        tickets.AttachmentDownload.as_view(),
        name="ticket-attachment",
    ),
    path(
        "customers/<int:customer_id>/export/",
        customers.CustomerExport.as_view(),
        name="customer-export",
    ),
    path(
        "customers/<int:customer_id>/erasure/",
        customers.CustomerErasure.as_view(),
        name="customer-erasure",
    ),
    path("incidents/", incidents.IncidentListCreate.as_view(), name="incidents"),
    path("incidents/<int:incident_id>/", incidents.IncidentDetail.as_view(), name="incident"),
    path(
        "incidents/<int:incident_id>/updates/",
        incidents.IncidentUpdates.as_view(),
        name="incident-updates",
    ),
    path(
        "incidents/<int:incident_id>/resolve/",
        incidents.IncidentResolve.as_view(),
        name="incident-resolve",
    ),
    path(
        "incidents/<int:incident_id>/jobs/<int:job_id>/",
        incidents.IncidentJobDetail.as_view(),
        name="incident-job",
    ),
    path(
        "incidents/<int:incident_id>/tickets/",
        incidents.IncidentTickets.as_view(),
        name="incident-tickets",
    ),
    path(
        "incidents/<int:incident_id>/tickets/unlink/",
        incidents.IncidentTicketsUnlink.as_view(),
        name="incident-tickets-unlink",
    ),
    path("faq/categories/", faq.FaqCategories.as_view(), name="faq-categories"),
    path("faq/articles/", faq.FaqArticles.as_view(), name="faq-articles"),
    path("faq/articles/<slug:slug>/", faq.FaqArticleDetail.as_view(), name="faq-article"),
    path("faq/articles/<slug:slug>/feedback/", faq.FaqFeedback.as_view(), name="faq-feedback"),
    path("faq/search/", faq.FaqSearch.as_view(), name="faq-search"),
    path("faq/suggestions/", faq.FaqSuggestions.as_view(), name="faq-suggestions"),
]

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI and ReDoc ship inline code: their pages alone allow it (helpdesk/settings.py).
    path(
        "docs/",
        DOCS_POLICY(SpectacularSwaggerView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path(
        "redoc/",
        DOCS_POLICY(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    path("problems/<slug:slug>", problems.problem_page, name="problem"),
]
