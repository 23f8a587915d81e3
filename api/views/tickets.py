"""Tickets, their messages, notes, attachments, changes, merges and ratings under /api/v1/.

Every ticket is reached through tickets.access (404 when the caller may not see it, exactly as
on the web) and every change goes through tickets.services, so redaction, routing, SLA timers,
notifications and webhooks behave as in the web UI.
"""

from django.core.validators import RegexValidator
from django.db import transaction
from django.http import Http404
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, generics, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

import audit
from faq.deflection import record_ticket_submitted
from tickets import assignment, links, services
from tickets.access import get_attachment_for, get_ticket_for, tickets_for
from tickets.attachments import attachment_response
from tickets.events import Conflict, check_version, version_of
from tickets.models import Category, Message, Ticket, TicketEvent, User
from tickets.services import Actor, customer_contact

from .. import idempotency, serializers
from ..authentication import GuestGrant, viewer_of
from ..filtering import (
    NoBlankFilters,
    StrictBooleanFilter,
    StrictOrderingFilter,
    UtcDateTimeFilter,
)
from ..models import ApiKey
from ..pagination import Cursor
from ..permissions import ApiKeyScope, IsAuthenticatedOrGuest, IsStaff
from ..problems import PreconditionFailed
from ..throttles import THROTTLES

REFERENCE = OpenApiParameter(
    "reference", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. GP-7K3M9Q"
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    pattern=r'^(?:\*|(?:W/)?"[!#-~]*")$',
    description="The ETag of the ticket as you read it: the change is refused (412) if "
    "someone changed the ticket since. Without it the change applies to the ticket as it is.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description="The ticket's version; send it back as If-Match.",
)


def etag_of(ticket: Ticket) -> str:
    return f'"{version_of(ticket)}"'


def version_in(if_match: str | None) -> str | None:
    """The version an If-Match names (None for none, or for "*": any version)."""
    if if_match is None or if_match.strip() == "*":
        return None
    return if_match.strip().removeprefix("W/").strip('"')


TICKET_EXAMPLE = {
    "reference": "GP-7K3M9Q",
    "subject": "QRIS payment failed but my balance was debited",
    "status": "new",
    "priority": "high",
    "category": "payment_failed",
    "channel": "api",
    "language": "en",
    "details": {
        "transaction_reference": "TRX-20261121-8F3K2Q",
        "amount": "45000",
        "currency": "IDR",
        "occurred_at": "2026-11-21T09:30",
        "payment_method": "qris",
        "merchant": "Kopi Kenangan",
    },
    "merged_into": None,
    "follow_up_of": None,
    "created_at": "2026-11-21T09:41:07.120000+07:00",
    "updated_at": "2026-11-21T09:41:07.180000+07:00",
    "last_activity_at": "2026-11-21T09:41:07.120000+07:00",
    "first_response_at": None,
    "resolved_at": None,
    "closed_at": None,
    "queue": None,
    "assignee": None,
    "requester": None,
    "tags": [],
    "sla_due_at": None,
    "escalated_at": None,
}
CREATE_EXAMPLE = {
    "category": "payment_failed",
    "subject": "QRIS payment failed but my balance was debited",
    "description": "I paid at Kopi Kenangan with QRIS; the merchant did not receive it.",
    "details": TICKET_EXAMPLE["details"] | {"amount": "45.000"},
    "email": "siti@example.com",
    "name": "Siti",
}


def is_staff_viewer(request) -> bool:
    return viewer_of(request).is_staff


def serializer_context(request, **extra) -> dict:
    return {"request": request, "staff": is_staff_viewer(request), **extra}


def record_read(request, kind: str = audit.Kind.API_READ, **what) -> None:
    """Staff's reads of customer data (an API key acts as its staff owner) go in the audit
    log, naming the key; a customer's or a guest's reads of their own do not (audit.record)."""
    key = request.auth.prefix if isinstance(request.auth, ApiKey) else ""
    audit.record(request, kind, api_key=key, **what)


def get_ticket(request, reference: str) -> Ticket:
    """The ticket this caller may see: staff through their queues, everyone else as the
    requester (a staff member never speaks as the customer)."""
    viewer = viewer_of(request)
    return get_ticket_for(viewer, reference, as_customer=not viewer.is_staff)


MULTIPART = {
    serializers.TicketCreateSerializer: serializers.TicketCreateMultipartSerializer,
    serializers.MessageCreateSerializer: serializers.MessageCreateMultipartSerializer,
    serializers.NoteCreateSerializer: serializers.NoteCreateMultipartSerializer,
}


def by_content_type(request, serializer_class):
    """The serializer of the body as sent: a multipart body has its files among its fields."""
    if request.content_type.startswith("multipart/"):
        return MULTIPART[serializer_class]
    return serializer_class


def thread_of(ticket: Ticket, *, staff: bool):
    messages = ticket.messages.select_related("author_user", "author_contact").prefetch_related(
        "attachments"
    )
    return messages if staff else messages.filter(kind=Message.Kind.PUBLIC)


def redactions_at(ticket: Ticket, at) -> list[str]:
    """The kinds of secrets one change removed (its events share its instant)."""
    return sorted(
        set(
            ticket.events.filter(kind=TicketEvent.Kind.REDACTED, created_at=at).values_list(
                "new_value", flat=True
            )
        )
    )


class TicketCursor(Cursor):
    page_size = 25
    ordering = "-created_at"


SLUG = r"^[-a-zA-Z0-9_]+$"
ASSIGNEE = r"^(?:me|none|nobody|[0-9]+)$"


class TicketFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Ticket.Status.choices)
    priority = filters.ChoiceFilter(choices=serializers.PRIORITY_CHOICES, method="by_priority")
    category = filters.ChoiceFilter(field_name="category_id", choices=Category.Code.choices)
    queue = filters.CharFilter(
        field_name="queue__slug",
        help_text="Queue slug (staff).",
        validators=[
            RegexValidator(SLUG, gettext_lazy("A queue's slug: letters, digits, - and _."))
        ],
    )
    assignee = filters.CharFilter(
        method="by_assignee",
        help_text='"me", "none" (or "nobody"), or a user id (staff).',
        validators=[RegexValidator(ASSIGNEE, gettext_lazy('"me", "none", or a user id.'))],
    )
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")
    active_after = UtcDateTimeFilter(
        field_name="last_activity_at",
        lookup_expr="gte",
        help_text="Changed or answered since (for polling).",
    )
    open = StrictBooleanFilter(method="by_open", help_text="Only open (or only finished).")

    class Meta:
        model = Ticket
        fields = []
        form = NoBlankFilters

    def by_priority(self, queryset, name, value):
        return queryset.filter(priority=serializers.PRIORITY_BY_NAME[value])

    def by_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee=self.request.user.pk or 0)
        if value in assignment.NOBODY:
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee=int(value))

    def by_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.open() if value else queryset.exclude(status__in=Ticket.OPEN_STATUSES)


@extend_schema_view(
    get=extend_schema(
        summary="List tickets",
        description="Customers: the tickets they asked (a guest link: its ticket). Staff: the "
        "tickets of their queues (admins: all). Cursor-paginated, newest first by default.",
        responses=serializers.TicketSerializer(many=True),
        parameters=[
            OpenApiParameter("priority", OpenApiTypes.STR, enum=list(serializers.PRIORITY_BY_NAME)),
            OpenApiParameter("queue", OpenApiTypes.STR, pattern=SLUG, description="Queue slug."),
            OpenApiParameter(
                "assignee",
                OpenApiTypes.STR,
                pattern=ASSIGNEE,
                description='"me", "none" (or "nobody"), or a user id (staff).',
            ),
        ],
        tags=["tickets"],
    ),
    post=extend_schema(
        summary="Create a ticket",
        description="Validated like the web form of the category (see GET /api/v1/categories/ "
        "for each category's `details` fields). Signed-in customers file as themselves; "
        "anonymous callers (guests) and staff or integrations filing for a customer give "
        "`email`. Send `Idempotency-Key` (e.g. a UUID) and retry freely: a retry answers the "
        "first result and creates nothing. Files go as multipart/form-data `attachments`. "
        "Rate-limited per user or API key and per client address.",
        parameters=[
            OpenApiParameter(
                idempotency.HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                pattern=idempotency.KEY_PATTERN,
                description="Any unique string per intended ticket, e.g. a UUID (max 255).",
            )
        ],
        request={
            "application/json": serializers.TicketCreateSerializer,
            "multipart/form-data": serializers.TicketCreateMultipartSerializer,
        },
        responses={
            201: OpenApiResponse(
                serializers.CreatedTicketSerializer,
                examples=[
                    OpenApiExample(
                        "Created",
                        {**TICKET_EXAMPLE, "redactions": ["card"], "access_token": "eyJ0Ijo..."},
                    )
                ],
            )
        },
        examples=[OpenApiExample("Payment failed", CREATE_EXAMPLE, request_only=True)],
        extensions={"x-throttle": ["create-user", "create-ip"]},
        tags=["tickets"],
    ),
)
class TicketListCreate(generics.ListCreateAPIView):
    pagination_class = TicketCursor
    filterset_class = TicketFilter
    filter_backends = [filters.DjangoFilterBackend, StrictOrderingFilter]
    ordering_fields = ["created_at", "last_activity_at", "priority"]
    throttle_scope = "create"

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [IsAuthenticatedOrGuest(), ApiKeyScope()]
        return [ApiKeyScope()]

    def get_throttles(self):
        return [throttle() for throttle in THROTTLES] if self.request.method == "POST" else []

    def get_serializer_class(self):
        if self.request.method == "POST":
            return serializers.TicketCreateSerializer
        return serializers.TicketSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "staff": is_staff_viewer(self.request)}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        viewer = viewer_of(self.request)
        tickets = tickets_for(viewer, as_customer=not viewer.is_staff).select_related(
            "category", "merged_into", "follow_up_of"
        )
        if viewer.is_staff:
            tickets = tickets.select_related("queue", "assignee", "requester").prefetch_related(
                "tags"
            )
        return tickets

    def list(self, request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", []) if isinstance(response.data, dict) else []
        record_read(
            request, count=len(rows), detail=f"ticket list {request.query_params.urlencode()}"
        )
        return response

    def create(self, request, *args, **kwargs):
        serializer = by_content_type(request, serializers.TicketCreateSerializer)(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def create(service_key: str | None) -> idempotency.Stored:
            ticket = services.create_ticket(
                requester=self._requester(data),
                category=data["topic"],
                subject=data["subject"],
                body=data["description"],
                details=data["details"],
                attachments=data["attachments"],
                channel=Ticket.Channel.API,
                language=get_language(),
                idempotency_key=service_key,
                faq_article=data["faq_article"],
            )
            record_ticket_submitted(request._request, ticket)
            ticket.redactions = services.redactions_of(ticket)
            body = serializers.CreatedTicketSerializer(
                ticket, context=self.get_serializer_context()
            ).data
            return idempotency.Stored(status.HTTP_201_CREATED, body, ticket.pk)

        return idempotency.once(request, create, self._answer)

    def _requester(self, data):
        user = self.request.user
        if user.is_authenticated and not is_staff_viewer(self.request):
            return customer_contact(user)
        return services.get_or_create_contact(
            email=data["email"], name=data["name"], phone=data["phone"], language=get_language()
        )

    def _answer(self, stored: idempotency.Stored, replayed: bool) -> Response:
        body = dict(stored.body)
        if not self.request.user.is_authenticated and stored.ticket_id and not replayed:
            # The guest's key to the ticket, made fresh, never stored; and never on a replay:
            # anyone who knows a guest's address and Idempotency-Key could send that replay.
            body["access_token"] = links.make_token(Ticket.objects.get(pk=stored.ticket_id))
        return Response(
            body,
            status=stored.status_code,
            headers={"Location": f"/api/v1/tickets/{body['reference']}/"},
        )


@extend_schema_view(
    get=extend_schema(
        summary="Read a ticket",
        description="With its thread: public messages, and internal notes for staff. The "
        "ETag header is its version, for If-Match on a change.",
        parameters=[REFERENCE, ETAG],
        responses=OpenApiResponse(
            serializers.TicketDetailSerializer,
            examples=[OpenApiExample("A new ticket", {**TICKET_EXAMPLE, "messages": []})],
        ),
        tags=["tickets"],
    ),
    patch=extend_schema(
        summary="Change status, priority, queue, category, assignee or tags (staff)",
        description="Each field sent is changed through its service, all or none. Statuses "
        "follow the lifecycle (a refused move answers 409). Assignment follows the web's "
        "rules: agents take free tickets, leads give within their queues, admins anywhere. "
        "Send If-Match with the ETag you read: if someone changed the ticket since, nothing "
        "is changed and the answer is 412, as the web page answers a stale form.",
        parameters=[REFERENCE, IF_MATCH, ETAG],
        request=serializers.TicketUpdateSerializer,
        responses=serializers.TicketSerializer,
        examples=[
            OpenApiExample(
                "Waiting on the bank",
                {"status": "on_hold", "priority": "urgent", "tags": ["bri"]},
                request_only=True,
            )
        ],
        tags=["tickets"],
    ),
)
class TicketDetail(APIView):
    permission_classes = [IsAuthenticatedOrGuest, ApiKeyScope]
    http_method_names = ["get", "patch", "options", "head"]

    def get_permissions(self):
        if self.request.method == "PATCH":
            return [IsStaff(), ApiKeyScope()]
        return super().get_permissions()

    def get(self, request, reference: str) -> Response:
        ticket = get_ticket(request, reference)
        staff = is_staff_viewer(request)
        context = serializer_context(
            request, thread=thread_of(ticket, staff=staff), reference=ticket.reference
        )
        data = serializers.TicketDetailSerializer(ticket, context=context).data
        record_read(request, ticket=ticket, detail="ticket")
        return Response(data, headers={"ETag": etag_of(ticket)})

    def patch(self, request, reference: str) -> Response:
        ticket = get_ticket(request, reference)
        serializer = serializers.TicketUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = serializer.validated_data
        by = Actor.agent(request.user)
        with transaction.atomic():
            locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
            try:
                check_version(locked, version_in(request.headers.get("If-Match")))
            except Conflict as conflict:
                raise PreconditionFailed(str(conflict)) from None
            if "status" in changes:
                services.change_status(ticket=ticket, status=changes["status"], by=by)
            if "priority" in changes:
                services.change_priority(ticket=ticket, priority=changes["priority"], by=by)
            if "category" in changes:
                category = Category.objects.get(code=changes["category"])
                services.change_category(ticket=ticket, category=category, by=by)
            if "queue" in changes:
                services.move_to_queue(ticket=ticket, queue=changes["queue"], by=by)
            if "assignee" in changes:
                assignment.assign(
                    ticket=ticket, assignee=self._agent(changes["assignee"]), by=request.user
                )
            if "tags" in changes:
                services.set_tags(ticket=ticket, names=changes["tags"], by=by)
        ticket = Ticket.objects.select_related("category", "queue", "assignee", "requester").get(
            pk=ticket.pk
        )
        return Response(
            serializers.TicketSerializer(ticket, context=serializer_context(request)).data,
            headers={"ETag": etag_of(ticket)},
        )

    @staticmethod
    def _agent(user_id: int | None) -> User | None:
        if user_id is None:
            return None
        agent = User.objects.filter(pk=user_id).first()  # may it take tickets: assignment.assign
        if agent is None:
            raise exceptions.ValidationError({"assignee": [_("No such agent.")]})
        return agent


@extend_schema_view(
    get=extend_schema(
        summary="A ticket's thread",
        parameters=[REFERENCE],
        responses=serializers.MessageSerializer(many=True),
        tags=["tickets"],
    ),
    post=extend_schema(
        summary="Reply",
        description="The customer's (or guest's) reply, or an agent's public reply, which may "
        "set a status. A customer's reply reopens a ticket waiting on them or recently "
        "resolved; on a closed ticket it starts a linked follow-up (see `ticket`).",
        parameters=[REFERENCE],
        request={
            "application/json": serializers.MessageCreateSerializer,
            "multipart/form-data": serializers.MessageCreateMultipartSerializer,
        },
        responses={201: serializers.MessageCreatedSerializer},
        examples=[
            OpenApiExample(
                "Customer reply",
                {"body": "The merchant says they did not receive it."},
                request_only=True,
            ),
            OpenApiExample(
                "Agent reply, waiting on the customer",
                {"body": "Could you send the receipt?", "status": "pending_customer"},
                request_only=True,
            ),
        ],
        tags=["tickets"],
    ),
)
class TicketMessages(APIView):
    permission_classes = [IsAuthenticatedOrGuest, ApiKeyScope]

    def get(self, request, reference: str) -> Response:
        ticket = get_ticket(request, reference)
        thread = thread_of(ticket, staff=is_staff_viewer(request))
        context = serializer_context(request, reference=ticket.reference)
        data = serializers.MessageSerializer(thread, many=True, context=context).data
        record_read(request, ticket=ticket, count=len(data), detail="messages")
        return Response(data)

    def post(self, request, reference: str) -> Response:
        ticket = get_ticket(request, reference)
        serializer = by_content_type(request, serializers.MessageCreateSerializer)(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if is_staff_viewer(request):
            message = services.add_agent_message(
                ticket=ticket,
                agent=request.user,
                body=data["body"],
                set_status=data.get("status"),
                attachments=data["attachments"],
                source=Message.Source.API,
            )
        else:
            message = services.add_customer_message(
                ticket=ticket,
                contact=ticket.requester,
                body=data["body"],
                attachments=data["attachments"],
                source=Message.Source.API,
            )
        landed = message.ticket
        body = {
            "ticket": landed.reference,
            "message": serializers.MessageSerializer(
                message, context={"reference": landed.reference}
            ).data,
            "redactions": redactions_at(landed, message.created_at),
        }
        if isinstance(request.auth, GuestGrant) and landed.follow_up_of_id == ticket.pk:
            body["access_token"] = links.make_token(landed)
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Add an internal note (staff)",
    description="Seen by staff only, never by the customer.",
    parameters=[REFERENCE],
    request={
        "application/json": serializers.NoteCreateSerializer,
        "multipart/form-data": serializers.NoteCreateMultipartSerializer,
    },
    responses={201: serializers.MessageSerializer},
    examples=[
        OpenApiExample(
            "Note", {"body": "Asked the bank (BRI) for the settlement report."}, request_only=True
        )
    ],
    tags=["tickets"],
)
class TicketNotes(APIView):
    permission_classes = [IsStaff, ApiKeyScope]

    def post(self, request, reference: str) -> Response:
        ticket = get_ticket(request, reference)
        serializer = by_content_type(request, serializers.NoteCreateSerializer)(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        message = services.add_agent_message(
            ticket=ticket,
            agent=request.user,
            body=serializer.validated_data["body"],
            internal=True,
            attachments=serializer.validated_data["attachments"],
            source=Message.Source.API,
        )
        data = serializers.MessageSerializer(message, context={"reference": ticket.reference}).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Merge this ticket into another (staff)",
    description="Both must be the same customer's and in your queues. This one closes; its "
    "messages move to the other, which is returned.",
    parameters=[REFERENCE],
    request=serializers.MergeSerializer,
    responses=serializers.TicketSerializer,
    examples=[OpenApiExample("Merge", {"into": "GP-8N4P2R"}, request_only=True)],
    tags=["tickets"],
)
class TicketMerge(APIView):
    permission_classes = [IsStaff, ApiKeyScope]

    def post(self, request, reference: str) -> Response:
        viewer = viewer_of(request)
        ticket = get_ticket_for(viewer, reference)
        serializer = serializers.MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        into = serializer.validated_data["into"].strip().upper()
        try:
            target = get_ticket_for(viewer, into)
        except Http404:
            raise exceptions.ValidationError(
                {"into": [_("No ticket %(reference)s in your queues.") % {"reference": into}]}
            ) from None
        target = services.merge_tickets(source=ticket, target=target, by=Actor.agent(request.user))
        target = Ticket.objects.select_related("category", "queue", "assignee", "requester").get(
            pk=target.pk
        )
        return Response(
            serializers.TicketSerializer(target, context=serializer_context(request)).data
        )


@extend_schema(
    summary="Rate the help (customer)",
    description="Once per resolution, 1 to 5, on a resolved or closed ticket.",
    parameters=[REFERENCE],
    request=serializers.RatingSerializer,
    responses={201: serializers.RatingOutSerializer},
    examples=[OpenApiExample("Rating", {"score": 5, "comment": "Fast, thanks!"})],
    tags=["tickets"],
)
class TicketRating(APIView):
    permission_classes = [IsAuthenticatedOrGuest, ApiKeyScope]

    def post(self, request, reference: str) -> Response:
        if is_staff_viewer(request):
            raise exceptions.PermissionDenied(_("Only the customer rates the help."))
        ticket = get_ticket(request, reference)
        serializer = serializers.RatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = services.rate_ticket(
            ticket=ticket,
            contact=ticket.requester,
            score=serializer.validated_data["score"],
            comment=serializer.validated_data.get("comment", ""),
        )
        return Response(
            serializers.RatingOutSerializer(rating).data, status=status.HTTP_201_CREATED
        )


@extend_schema(
    summary="A ticket's attachments",
    description="The files of the thread the caller sees (notes' files: staff only).",
    parameters=[REFERENCE],
    responses=serializers.AttachmentSerializer(many=True),
    tags=["attachments"],
)
class TicketAttachments(APIView):
    permission_classes = [IsAuthenticatedOrGuest, ApiKeyScope]

    def get(self, request, reference: str) -> Response:
        ticket = get_ticket(request, reference)
        attachments = ticket.attachments.select_related("message")
        if not is_staff_viewer(request):
            attachments = attachments.exclude(message__kind=Message.Kind.INTERNAL)
        context = {"reference": ticket.reference}
        data = serializers.AttachmentSerializer(attachments, many=True, context=context).data
        record_read(request, ticket=ticket, count=len(data), detail="attachments")
        return Response(data)


@extend_schema(
    summary="Download an attachment",
    description="Always a download (Content-Disposition: attachment, nosniff), through the "
    "same access check as the ticket.",
    parameters=[REFERENCE, OpenApiParameter("attachment_id", int, OpenApiParameter.PATH)],
    responses={
        (200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The file, with its sniffed content type."
        ),
    },
    tags=["attachments"],
)
class AttachmentDownload(APIView):
    permission_classes = [IsAuthenticatedOrGuest, ApiKeyScope]

    def get(self, request, reference: str, attachment_id: int):
        viewer = viewer_of(request)
        attachment = get_attachment_for(
            viewer, reference, attachment_id, as_customer=not viewer.is_staff
        )
        response = attachment_response(attachment)
        record_read(
            request,
            audit.Kind.ATTACHMENT_DOWNLOAD,
            ticket=attachment.ticket,
            attachment_id=attachment.pk,
            detail=attachment.original_name,
        )
        return response
