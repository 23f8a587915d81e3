"""Incidents under /api/v1/incidents/ (README "Incidents"), for the wallet's status tooling.

Staff read (any staff key with the `read` scope); leads and admins declare, edit, post updates,
resolve and link tickets (`write` scope). Every change goes through incidents.services, as on
the staff page and in the Django admin, so matching, tags, webhooks and the background jobs behave
the same; a refusal of the services (a resolved incident updated) answers 409.
"""

from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, generics, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from incidents import services
from incidents.models import Incident, IncidentJob
from tickets.access import tickets_for

from .. import idempotency, serializers
from ..authentication import viewer_of
from ..filtering import NoBlankFilters, StrictBooleanFilter
from ..pagination import Cursor
from ..permissions import ApiKeyScope, IsLead, IsStaff

INCIDENT_ID = OpenApiParameter("incident_id", OpenApiTypes.INT, OpenApiParameter.PATH)
JOB_ID = OpenApiParameter("job_id", OpenApiTypes.INT, OpenApiParameter.PATH)

DECLARE_EXAMPLE = {
    "title_en": "BRI virtual-account top-ups delayed",
    "title_id": "Top up via virtual account BRI tertunda",
    "message_en": "Top-ups via BRI virtual account are delayed since 09:40. Your money is safe "
    "and will arrive; there is no need to write in unless it has not arrived by 15:00.",
    "categories": ["top_up"],
    "payment_methods": ["virtual_account"],
    "banks": ["BRI"],
    "expected_end_at": "2026-11-21T15:00:00+07:00",
}


def incidents():
    return Incident.objects.select_related("tag").prefetch_related("categories")


def get_incident(incident_id: int) -> Incident:
    return get_object_or_404(incidents(), pk=incident_id)


def current_job(incident: Incident) -> IncidentJob | None:
    """The unfinished job, else the latest."""
    unfinished = Case(
        When(state__in=[IncidentJob.State.QUEUED, IncidentJob.State.RUNNING], then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return incident.jobs.order_by(unfinished, "-created_at", "-id").first()


def detail_of(incident: Incident) -> dict:
    """The incident as GET answers it (re-read: a service returns its locked copy)."""
    fresh = incidents().prefetch_related("updates").get(pk=incident.pk)
    fresh.ticket_counts = services.counts_by_status(fresh)
    fresh.job = current_job(fresh)
    return serializers.IncidentDetailSerializer(fresh).data


class IncidentCursor(Cursor):
    page_size = 25
    ordering = ("-started_at", "-id")


class IncidentFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Incident.Status.choices)
    active = StrictBooleanFilter(
        method="by_active", help_text="Only active (true) or only resolved (false)."
    )

    class Meta:
        model = Incident
        fields = []
        form = NoBlankFilters

    def by_active(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.active() if value else queryset.filter(status=Incident.Status.RESOLVED)


def write_permissions(view) -> list:
    if view.request.method in SAFE_METHODS:
        return [IsStaff(), ApiKeyScope()]
    return [IsLead(), ApiKeyScope()]


@extend_schema_view(
    get=extend_schema(
        summary="List incidents (staff)",
        description="Newest first (by start), cursor-paginated; `active=true` for those not "
        "resolved, `status` for one or more statuses.",
        responses=serializers.IncidentSerializer(many=True),
        tags=["incidents"],
    ),
    post=extend_schema(
        summary="Declare an incident (leads, admins)",
        description="Active at once: the banner shows (unless `show_banner` is false) and new "
        "tickets matching its categories and payment methods / banks / merchants are linked "
        "and tagged at creation. A title and a message in at least one language. Send "
        "`Idempotency-Key` and retry freely: a retry answers the first result and declares "
        "nothing.",
        parameters=[
            OpenApiParameter(
                idempotency.HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                pattern=idempotency.KEY_PATTERN,
                description="Any unique string per intended incident, e.g. a UUID (max 255).",
            )
        ],
        request=serializers.IncidentCreateSerializer,
        responses={201: serializers.IncidentDetailSerializer},
        examples=[OpenApiExample("BRI virtual accounts", DECLARE_EXAMPLE, request_only=True)],
        tags=["incidents"],
    ),
)
class IncidentListCreate(generics.ListCreateAPIView):
    pagination_class = IncidentCursor
    filterset_class = IncidentFilter
    filter_backends = [filters.DjangoFilterBackend]
    serializer_class = serializers.IncidentSerializer

    def get_permissions(self):
        return write_permissions(self)

    def get_queryset(self):
        return incidents()

    def create(self, request, *args, **kwargs) -> Response:
        serializer = serializers.IncidentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        categories = values.pop("categories", [])

        def declare(_service_key: str | None) -> idempotency.Stored:
            incident = services.declare(by=request.user, categories=categories, **values)
            return idempotency.Stored(status.HTTP_201_CREATED, detail_of(incident))

        return idempotency.once(request, declare, self._answer)

    @staticmethod
    def _answer(stored: idempotency.Stored, replayed: bool) -> Response:
        return Response(
            stored.body,
            status=stored.status_code,
            headers={"Location": f"/api/v1/incidents/{stored.body['id']}/"},
        )


@extend_schema_view(
    get=extend_schema(
        summary="Read an incident (staff)",
        description="With its linked tickets' counts by status, its public updates (newest "
        "first) and its current job's progress.",
        parameters=[INCIDENT_ID],
        responses=serializers.IncidentDetailSerializer,
        tags=["incidents"],
    ),
    patch=extend_schema(
        summary="Edit an incident (leads, admins)",
        description="Texts, conditions, banner and matching switches, times. The status "
        "changes by posting an update (`/updates/`) or resolving (`/resolve/`).",
        parameters=[INCIDENT_ID],
        request=serializers.IncidentEditSerializer,
        responses=serializers.IncidentDetailSerializer,
        examples=[
            OpenApiExample(
                "Later than hoped",
                {"expected_end_at": "2026-11-21T18:00:00+07:00"},
                request_only=True,
            )
        ],
        tags=["incidents"],
    ),
)
class IncidentDetail(APIView):
    http_method_names = ["get", "patch", "options", "head"]

    def get_permissions(self):
        return write_permissions(self)

    def get(self, request, incident_id: int) -> Response:
        return Response(detail_of(get_incident(incident_id)))

    def patch(self, request, incident_id: int) -> Response:
        incident = get_incident(incident_id)
        serializer = serializers.IncidentEditSerializer(
            data=request.data, context={"incident": incident}
        )
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        categories = values.pop("categories", None)
        incident = services.edit(incident, by=request.user, categories=categories, **values)
        return Response(detail_of(incident))


@extend_schema(
    summary="Post a public update (leads, admins)",
    description="What is known now, in one or more languages, and the status from now. With "
    "`notify_customers`, every linked open ticket gets one public reply in its customer's "
    "language, sent by a background job (see the incident's `job`).",
    parameters=[INCIDENT_ID],
    request=serializers.IncidentPostUpdateSerializer,
    responses={201: serializers.IncidentDetailSerializer},
    examples=[
        OpenApiExample(
            "Identified",
            {
                "status": "identified",
                "message_en": "BRI found the cause; delayed top-ups are being credited.",
                "notify_customers": True,
            },
            request_only=True,
        )
    ],
    tags=["incidents"],
)
class IncidentUpdates(APIView):
    permission_classes = [IsLead, ApiKeyScope]

    def post(self, request, incident_id: int) -> Response:
        incident = get_incident(incident_id)
        serializer = serializers.IncidentPostUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.post_update(incident, by=request.user, **serializer.validated_data)
        return Response(detail_of(incident), status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Resolve an incident (leads, admins)",
    description="It leaves the banner and stops matching at once. Its open tickets are "
    "resolved (or set waiting for the customer, or left as they are: `outcome`) by a "
    "background job, in batches, each customer told in their language; the answer is that "
    "job (202): follow it at its `url`.",
    parameters=[INCIDENT_ID],
    request=serializers.IncidentResolveSerializer,
    responses={202: serializers.IncidentJobSerializer},
    examples=[
        OpenApiExample(
            "Resolved",
            {
                "message_en": "Top-ups via BRI virtual account work again; delayed ones have "
                "been credited.",
                "outcome": "resolved",
            },
            request_only=True,
        )
    ],
    tags=["incidents"],
)
class IncidentResolve(APIView):
    permission_classes = [IsLead, ApiKeyScope]

    def post(self, request, incident_id: int) -> Response:
        incident = get_incident(incident_id)
        serializer = serializers.IncidentResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = services.resolve(incident, by=request.user, **serializer.validated_data)
        data = serializers.IncidentJobSerializer(job).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


@extend_schema(
    summary="A job's progress (staff)",
    description="A job telling an incident's customers of an update or resolving its "
    "tickets: `state` queued, running, done or failed; `done` of `total` tickets.",
    parameters=[INCIDENT_ID, JOB_ID],
    responses=serializers.IncidentJobSerializer,
    tags=["incidents"],
)
class IncidentJobDetail(APIView):
    permission_classes = [IsStaff, ApiKeyScope]

    def get(self, request, incident_id: int, job_id: int) -> Response:
        job = get_object_or_404(IncidentJob, pk=job_id, incident_id=incident_id)
        return Response(serializers.IncidentJobSerializer(job).data)


def _tickets_by_reference(request, references: list[str]) -> list:
    """The caller's tickets of these references (leads: their queues; admins: all), or a 400
    naming those not found."""
    wanted = {reference.strip().upper() for reference in references}
    found = list(
        tickets_for(viewer_of(request))
        .filter(reference__in=wanted)
        .only("id", "reference", "incident_id", "status")
    )
    missing = sorted(wanted - {ticket.reference for ticket in found})
    if missing:
        shown = ", ".join(missing[:20]) + (" …" if len(missing) > 20 else "")
        raise exceptions.ValidationError(
            {"references": [_("No such ticket in your queues: %(refs)s.") % {"refs": shown}]}
        )
    return found


def _result(given: list, changed: list) -> dict:
    done = {ticket.pk for ticket in changed}
    return {
        "changed": len(changed),
        "references": sorted(ticket.reference for ticket in changed),
        "unchanged": sorted(ticket.reference for ticket in given if ticket.pk not in done),
    }


TICKETS_EXAMPLE = {"references": ["GP-7K3M9Q", "GP-8N4P2R"]}


@extend_schema(
    summary="Link tickets to an incident (leads, admins)",
    description="By reference, up to 1000. Each is linked and tagged (moved from another "
    "incident if it was linked to one), with an event; closed tickets and those already "
    "linked are left. A reference not in your queues refuses the whole request (400).",
    parameters=[INCIDENT_ID],
    request=serializers.IncidentTicketsSerializer,
    responses=serializers.IncidentTicketsResultSerializer,
    examples=[OpenApiExample("Two tickets", TICKETS_EXAMPLE, request_only=True)],
    tags=["incidents"],
)
class IncidentTickets(APIView):
    permission_classes = [IsLead, ApiKeyScope]

    def post(self, request, incident_id: int) -> Response:
        incident = get_incident(incident_id)
        serializer = serializers.IncidentTicketsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tickets = _tickets_by_reference(request, serializer.validated_data["references"])
        changed = services.link(tickets, incident, by=request.user)
        return Response(_result(tickets, changed))


@extend_schema(
    summary="Unlink tickets from an incident (leads, admins)",
    description="By reference, up to 1000; those not linked to this incident are left.",
    parameters=[INCIDENT_ID],
    request=serializers.IncidentTicketsSerializer,
    responses=serializers.IncidentTicketsResultSerializer,
    examples=[OpenApiExample("Two tickets", TICKETS_EXAMPLE, request_only=True)],
    tags=["incidents"],
)
class IncidentTicketsUnlink(APIView):
    permission_classes = [IsLead, ApiKeyScope]

    def post(self, request, incident_id: int) -> Response:
        incident = get_incident(incident_id)
        serializer = serializers.IncidentTicketsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tickets = _tickets_by_reference(request, serializer.validated_data["references"])
        linked = [ticket for ticket in tickets if ticket.incident_id == incident.pk]
        changed = services.unlink(linked, by=request.user)
        return Response(_result(tickets, changed))
