"""Who am I, the ticket categories with their fields, and the staff's queues."""

from django import forms as django_forms
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets import forms as ticket_forms
from tickets import roles
from tickets.access import tickets_for
from tickets.models import Category, Queue, Ticket

from .. import serializers
from ..authentication import viewer_of
from ..permissions import ApiKeyScope, IsAuthenticatedOrGuest, IsStaff

ME_EXAMPLE = {
    "id": 12,
    "email": "siti@example.com",
    "name": "Siti",
    "role": "customer",
    "language": "id",
    "queues": [],
    "tickets": [],
}


@extend_schema_view(
    get=extend_schema(
        summary="Who am I",
        description="The caller's identity, role (guest, customer, agent, lead, admin), "
        "language, and queues (staff) or the ticket a guest link opens.",
        responses=serializers.MeSerializer,
        examples=[OpenApiExample("A customer", ME_EXAMPLE)],
        tags=["me"],
    ),
    patch=extend_schema(
        summary="Change my language",
        description="The language of emails and messages to the caller.",
        request=serializers.MeUpdateSerializer,
        responses=serializers.MeSerializer,
        examples=[OpenApiExample("English", {"language": "en"}, request_only=True)],
        tags=["me"],
    ),
)
class Me(APIView):
    permission_classes = [IsAuthenticatedOrGuest, ApiKeyScope]
    http_method_names = ["get", "patch", "options", "head"]

    def get(self, request) -> Response:
        return Response(self._me(request))

    def patch(self, request) -> Response:
        if not request.user.is_authenticated:
            raise PermissionDenied(_("A guest link cannot change a profile."))
        serializer = serializers.MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        if "language" in serializer.validated_data:
            user.language = serializer.validated_data["language"]
            user.save(update_fields=["language"])
        return Response(self._me(request))

    @staticmethod
    def _me(request) -> dict:
        user = request.user
        viewer = viewer_of(request)
        if not user.is_authenticated:
            tickets = tickets_for(viewer, as_customer=True).filter(pk__in=viewer.grants)
            ticket = tickets.select_related("requester").first()
            return {
                "id": None,
                "email": ticket.requester.email if ticket else None,
                "name": ticket.requester.name if ticket else "",
                "role": "guest",
                "language": ticket.language if ticket else "",
                "queues": [],
                "tickets": [ticket.reference] if ticket else [],
            }
        role = roles.highest_role(user) or "customer"
        queues = []
        if role != "customer":
            queues = list(
                Queue.objects.filter(memberships__user=user)
                .order_by("slug")
                .values_list("slug", flat=True)
            )
        return {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "role": role,
            "language": user.language,
            "queues": queues,
            "tickets": [],
        }


def field_type(field) -> str:
    if isinstance(field, ticket_forms.AmountField):
        return "amount"
    if isinstance(field, django_forms.DateTimeField):
        return "datetime"
    if isinstance(field, django_forms.DateField):
        return "date"
    if isinstance(field, django_forms.ChoiceField):
        return "choice"
    if isinstance(field, django_forms.EmailField):
        return "email"
    return "string"


def describe_category(category: Category) -> dict:
    form = ticket_forms.CATEGORY_FORMS[category.code]
    fields = []
    for name in form.detail_fields:
        field = form.base_fields[name]
        described = {
            "name": name,
            "label": str(field.label),
            "type": field_type(field),
            "required": field.required,
            "help_text": str(field.help_text or ""),
        }
        if isinstance(field, django_forms.ChoiceField):
            described["choices"] = [str(value) for value, _label in field.choices]
        fields.append(described)
    return {
        "code": category.code,
        "name": category.label(),
        "description": category.description,
        "default_priority": category.default_priority,
        "fields": fields,
    }


@extend_schema(
    summary="Ticket categories and their fields",
    description="The topics a customer can file under, each with the structured `details` "
    "fields its form asks (names, types, whether required, choices). Public.",
    responses=serializers.CategorySerializer(many=True),
    examples=[
        OpenApiExample(
            "How do I...",
            [
                {
                    "code": "how_to",
                    "name": "How do I...",
                    "description": "Questions about using the app and your account.",
                    "default_priority": "low",
                    "fields": [],
                }
            ],
        )
    ],
    tags=["tickets"],
)
class Categories(APIView):
    permission_classes = [AllowAny]

    def get(self, request) -> Response:
        categories = Category.objects.filter(is_active=True)
        data = [describe_category(category) for category in categories]
        return Response(serializers.CategorySerializer(data, many=True).data)


def queues_of(user):
    queues = Queue.objects.filter(is_active=True)
    if not roles.is_admin(user):
        queues = queues.filter(memberships__user=user)
    open_tickets = Q(tickets__status__in=Ticket.OPEN_STATUSES)
    return queues.annotate(
        open_tickets=Count("tickets", filter=open_tickets),
        unassigned_tickets=Count("tickets", filter=open_tickets & Q(tickets__assignee=None)),
    ).order_by("name")


QUEUE_EXAMPLE = {
    "slug": "payments",
    "name": "Payments",
    "description": "Failed payments and top-ups",
    "assignment": "manual",
    "open_tickets": 42,
    "unassigned_tickets": 7,
}


@extend_schema_view(
    get=extend_schema(
        summary="My queues (staff)",
        description="The queues the caller belongs to (admins: all), with open counts.",
        examples=[OpenApiExample("Payments", [QUEUE_EXAMPLE])],
        tags=["queues"],
    )
)
class QueueList(generics.ListAPIView):
    permission_classes = [IsStaff, ApiKeyScope]
    serializer_class = serializers.QueueSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Queue.objects.none()
        return queues_of(self.request.user)


@extend_schema_view(
    get=extend_schema(
        summary="A queue (staff)",
        examples=[OpenApiExample("Payments", QUEUE_EXAMPLE)],
        tags=["queues"],
    )
)
class QueueDetail(generics.RetrieveAPIView):
    permission_classes = [IsStaff, ApiKeyScope]
    serializer_class = serializers.QueueSerializer
    lookup_field = "slug"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Queue.objects.none()
        return queues_of(self.request.user)
